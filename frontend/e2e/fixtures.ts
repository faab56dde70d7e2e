import { test as base, expect, type Browser, type Page, type Response } from '@playwright/test';
import pg from 'pg';

export { expect };

const JWT = /eyJ[\w-]+\.eyJ[\w-]+\.[\w-]+/;

let pool: pg.Pool | undefined;
export function db(): pg.Pool {
  pool ??= new pg.Pool({ connectionString: process.env.E2E_DATABASE_URL, max: 2 });
  return pool;
}

/** Every backend token the frontend has ever stored during this run (see global-setup). */
async function seenTokens(): Promise<string[]> {
  const { rows } = await db().query<{ token: string }>('SELECT token FROM public.e2e_seen_tokens');
  return rows.map((r) => r.token);
}

/**
 * Records everything the browser receives (headers and body of every response) on every page of
 * a test, and fails the test if any backend token, or anything shaped like a JWT, was among it.
 */
class TokenLeakWatch {
  private readonly seen: { url: string; text: string }[] = [];
  private readonly pending: Promise<void>[] = [];

  watch(page: Page) {
    page.on('response', (response) => this.pending.push(this.capture(response)));
  }

  private async capture(response: Response) {
    let text = JSON.stringify(await response.allHeaders().catch(() => ({})));
    // Redirects and aborted responses have no body to read; a stream the page left behind may
    // never finish. Whatever arrived within the time limit is checked.
    const body = await Promise.race([response.text().catch(() => ''), new Promise<string>((r) => setTimeout(() => r(''), 5_000))]);
    text += `\n${body}`;
    this.seen.push({ url: response.url(), text });
  }

  async assertClean() {
    await Promise.allSettled(this.pending);
    const tokens = await seenTokens();
    expect(tokens.length, 'the frontend stored backend tokens during the run').toBeGreaterThan(0);
    for (const { url, text } of this.seen) {
      expect(JWT.test(text), `a JWT-shaped string in the response to ${url}`).toBe(false);
      const leaked = tokens.find((token) => text.includes(token));
      expect(leaked === undefined, `a backend token in the response to ${url}`).toBe(true);
    }
    return this.seen.length;
  }
}

/** What browser JavaScript (document.cookie) and the cookie jar hold: never a backend token. */
export async function expectNoTokensInCookies(page: Page) {
  const tokens = await seenTokens();
  const documentCookie = await page.evaluate(() => document.cookie);
  const jar = await page.context().cookies();
  for (const text of [documentCookie, ...jar.map((c) => `${c.name}=${c.value}`)]) {
    expect(JWT.test(text)).toBe(false);
    expect(tokens.some((t) => text.includes(t))).toBe(false);
  }
  expect(jar.every((c) => c.name.startsWith('better-auth.') || c.name.startsWith('__Secure-better-auth.'))).toBe(true);
  expect(documentCookie).not.toContain('better-auth.session_token');
}

/** What the browser's Content-Security-Policy refused on a page: the app's own code never should be. */
function watchCspViolations(page: Page): string[] {
  const refused: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error' && /Content Security Policy/i.test(message.text())) refused.push(message.text());
  });
  return refused;
}

interface Fixtures {
  leakWatch: TokenLeakWatch;
  /** Another signed-in browser (a second device): its own cookie jar, watched the same way. */
  newDevice: () => Promise<Page>;
}

export const test = base.extend<Fixtures>({
  leakWatch: async ({}, use) => {
    const watch = new TokenLeakWatch();
    await use(watch);
    const checked = await watch.assertClean();
    expect(checked).toBeGreaterThan(0);
  },
  page: async ({ page, leakWatch }, use) => {
    leakWatch.watch(page);
    const refused = watchCspViolations(page);
    await use(page);
    if (!page.isClosed()) await expectNoTokensInCookies(page);
    expect(refused, 'the Content-Security-Policy refused something the app itself loads').toEqual([]);
  },
  newDevice: async ({ browser, leakWatch }: { browser: Browser; leakWatch: TokenLeakWatch }, use) => {
    const pages: Page[] = [];
    const refusedByPage = new Map<Page, string[]>();
    await use(async () => {
      const context = await browser.newContext();
      const page = await context.newPage();
      leakWatch.watch(page);
      refusedByPage.set(page, watchCspViolations(page));
      pages.push(page);
      return page;
    });
    for (const page of pages) {
      if (!page.isClosed()) await expectNoTokensInCookies(page);
      expect(refusedByPage.get(page), 'the Content-Security-Policy refused something the app itself loads').toEqual([]);
      await page.context().close();
    }
  },
});
