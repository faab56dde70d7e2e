import type { ChildProcess } from 'node:child_process';

export const FRONTEND_DIR: string;
export const REPO_DIR: string;
export const NODE: string;
export const BACKEND_BUILD_DIR: string;
export const TEST_BACKEND_ENV: Record<string, string>;
export function log(message: string): void;
export function freePort(): Promise<number>;
export function buildBackend(): void;
export function adminDatabaseUrl(): Promise<string>;
export function stopEmbeddedPostgres(): Promise<void>;
export function createDatabase(adminUrl: string, name: string): Promise<string>;
export function dropDatabase(adminUrl: string, name: string): Promise<void>;
export function waitFor(url: string, options?: { timeoutMs?: number; child?: ChildProcess }): Promise<void>;
export interface RunningBackend {
  url: string;
  pid: number | undefined;
  output(): string;
  stop(): Promise<void>;
}
export function startBackend(options: { port: number; databaseUrl: string; env?: Record<string, string> }): Promise<RunningBackend>;
export function stopChild(child: ChildProcess): Promise<void>;
