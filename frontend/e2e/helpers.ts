import { randomUUID } from 'node:crypto';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { expect } from './fixtures';
import { E2E } from './env';

export const PASSWORD = 'correct horse battery staple';

export function uniqueEmail(tag: string): string {
  return `${tag}-${randomUUID().slice(0, 8)}@example.com`;
}

export async function signUp(page: Page, { name, email, password = PASSWORD }: { name: string; email: string; password?: string }) {
  await page.goto('/register');
  await page.getByLabel('Name (optional)').fill(name);
  await page.getByLabel('Email address').fill(email);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.waitForURL('**/dashboard');
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
}

export async function signIn(page: Page, email: string, password = PASSWORD, { from = '/login' } = {}) {
  if (!page.url().includes('/login')) await page.goto(from);
  await page.getByLabel('Email address').fill(email);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/** Creates a user straight on the backend (test data), as another client would. */
export async function registerOnBackend(email: string, password = PASSWORD, name = 'Seed User') {
  const response = await fetch(`${E2E.backendUrl}/api/auth/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password, name }),
  });
  expect(response.status).toBe(201);
  // Registering also signed this script in; sign it out so that only browsers show up as devices.
  const refresh = response.headers.getSetCookie().map((c) => c.split(';')[0]!).find((c) => c.startsWith('refresh_token='));
  const logout = await fetch(`${E2E.backendUrl}/api/auth/logout`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ refresh_token: decodeURIComponent(refresh!.slice('refresh_token='.length)) }),
  });
  expect(logout.status).toBe(200);
}

export async function backendToken(email: string, password = PASSWORD): Promise<string> {
  const response = await fetch(`${E2E.backendUrl}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  expect(response.status).toBe(200);
  return ((await response.json()) as { access_token: string }).access_token;
}

export async function createTaskOnBackend(token: string, task: Record<string, unknown>) {
  const response = await fetch(`${E2E.backendUrl}/api/tasks`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify(task),
  });
  expect(response.status).toBe(201);
}

const SCREENSHOTS = path.join(import.meta.dirname, 'screenshots');

/**
 * README screenshots, taken from the real run when `E2E_SCREENSHOTS=1` (otherwise every test run
 * would rewrite the tracked images by a few bytes of rendering noise).
 */
export async function screenshot(page: Page, name: string) {
  if (process.env.E2E_SCREENSHOTS !== '1') return;
  await page.evaluate(() => document.fonts.ready);
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true, animations: 'disabled', caret: 'hide' });
}

/** The reset link the backend mailed to `email` (from its development outbox). */
export async function resetLinkFor(email: string): Promise<string> {
  const { readdir, readFile } = await import('node:fs/promises');
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    const files = (await readdir(E2E.outboxDir).catch(() => [] as string[])).sort().reverse();
    for (const file of files) {
      const message = JSON.parse(await readFile(path.join(E2E.outboxDir, file), 'utf8')) as { to: string; text: string };
      const link = message.to === email ? /https?:\/\/\S+\/reset-password\?token=[^\s]+/.exec(message.text)?.[0] : undefined;
      if (link) return link;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`no reset mail for ${email}`);
}
