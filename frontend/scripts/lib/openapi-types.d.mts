export const TYPES_PATH: URL;
export function typesFor(document: unknown): Promise<string>;
export function fetchDocument(backendUrl: string): Promise<unknown>;
