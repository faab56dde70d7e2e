import { createBackendClient, type Schemas } from './client.ts';
import type { ForwardedClient } from './forward.ts';
import { failureFrom, type BackendFailure } from './problem.ts';

export type BackendUser = Schemas['UserResponse'];

/** The backend's token pair for one device, as the Next server keeps it (never the browser). */
export interface BackendTokens {
  accessToken: string;
  refreshToken: string;
  accessTokenExpiresAt: Date;
  /** The backend session (token family) these tokens belong to: the `sid` claim. */
  backendSessionId: string | null;
}

export type Outcome<T> = { ok: true; value: T } | { ok: false; failure: BackendFailure };

/** The backend did not answer, or answered 5xx: nothing can be concluded about the credentials. */
export class BackendUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'BackendUnavailableError';
  }
}

/** Reads the `sid` claim. No verification: the token came straight from the backend over our own connection. */
export function sessionIdOf(accessToken: string): string | null {
  const payload = accessToken.split('.')[1];
  if (!payload) return null;
  try {
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { sid?: unknown };
    return typeof claims.sid === 'string' ? claims.sid : null;
  } catch {
    return null;
  }
}

function tokensFrom(accessToken: string, refreshToken: string, expiresInSeconds: number, now = Date.now()): BackendTokens {
  return {
    accessToken,
    refreshToken,
    accessTokenExpiresAt: new Date(now + expiresInSeconds * 1000),
    backendSessionId: sessionIdOf(accessToken),
  };
}

/** `register` answers with the user and hands the tokens over as cookies only; read them server-side. */
function tokensFromSetCookie(headers: Headers): BackendTokens | null {
  const cookies = new Map<string, { value: string; maxAge: number | null }>();
  for (const line of headers.getSetCookie()) {
    const [pair, ...attributes] = line.split(';');
    const eq = pair?.indexOf('=') ?? -1;
    if (!pair || eq < 1) continue;
    const maxAgeAttr = attributes.map((a) => a.trim()).find((a) => a.toLowerCase().startsWith('max-age='));
    cookies.set(pair.slice(0, eq).trim(), {
      value: decodeURIComponent(pair.slice(eq + 1).trim()),
      maxAge: maxAgeAttr ? Number(maxAgeAttr.slice('max-age='.length)) : null,
    });
  }
  const access = cookies.get('access_token');
  const refresh = cookies.get('refresh_token');
  if (!access?.value || !refresh?.value) return null;
  return tokensFrom(access.value, refresh.value, access.maxAge ?? 60);
}

function unavailable(error: unknown): never {
  throw new BackendUnavailableError('The backend could not be reached', { cause: error });
}

export interface BackendAuthApi {
  login(email: string, password: string, client: ForwardedClient): Promise<Outcome<{ user: BackendUser; tokens: BackendTokens }>>;
  register(input: { email: string; password: string; name?: string }, client: ForwardedClient): Promise<Outcome<{ user: BackendUser; tokens: BackendTokens }>>;
  /** `ok: false` means the backend refused this refresh token for good (401). */
  refresh(refreshToken: string, client: ForwardedClient): Promise<Outcome<BackendTokens>>;
  logout(tokens: { accessToken?: string | null; refreshToken?: string | null }, client: ForwardedClient): Promise<void>;
}

export function createBackendAuthApi(options: { baseUrl: string; timeoutMs?: number; refreshTimeoutMs?: number; logoutTimeoutMs?: number }): BackendAuthApi {
  const base = { baseUrl: options.baseUrl, timeoutMs: options.timeoutMs };

  return {
    async login(email, password, client) {
      const api = createBackendClient({ ...base, client });
      const result = await api.POST('/api/auth/login', { body: { email, password } }).catch(unavailable);
      if (result.response.status >= 500) unavailable(`status ${result.response.status}`);
      if (!result.data) return { ok: false, failure: failureFrom(result.response, result.error) };
      const { access_token, refresh_token, expires_in, user } = result.data;
      return { ok: true, value: { user, tokens: tokensFrom(access_token, refresh_token, expires_in) } };
    },

    async register(input, client) {
      const api = createBackendClient({ ...base, client });
      const result = await api.POST('/api/auth/register', { body: input }).catch(unavailable);
      if (result.response.status >= 500) unavailable(`status ${result.response.status}`);
      if (!result.data) return { ok: false, failure: failureFrom(result.response, result.error) };
      const tokens = tokensFromSetCookie(result.response.headers);
      if (!tokens) unavailable('register answered without a token pair');
      return { ok: true, value: { user: result.data, tokens } };
    },

    async refresh(refreshToken, client) {
      const send = (timeoutMs: number | undefined) =>
        createBackendClient({ ...base, timeoutMs, client }).POST('/api/auth/refresh', { body: { refresh_token: refreshToken } });
      // A refresh whose answer is lost may still have rotated the token. Asked again at once, inside
      // the backend's grace window for the parent (REFRESH_REUSE_GRACE_SECONDS, 10 s by default), it
      // answers the same new pair; asked later, it would take the old token for a stolen one and
      // end the session. Hence a short first wait and one immediate second try, which waits as long
      // as any call (a backend slow enough to miss both would have lost the pair either way).
      const result = await send(options.refreshTimeoutMs ?? 4_000)
        .catch(() => send(options.timeoutMs))
        .catch(unavailable);
      const status = result.response.status;
      if (result.data) {
        const { access_token, refresh_token, expires_in } = result.data;
        return { ok: true, value: tokensFrom(access_token, refresh_token, expires_in) };
      }
      // Only a clear "no" ends the session; throttling or an outage must not sign anyone out.
      if (status === 401 || status === 403) return { ok: false, failure: failureFrom(result.response, result.error) };
      unavailable(`refresh answered ${status}`);
    },

    async logout(tokens, client) {
      const api = createBackendClient({
        ...base,
        timeoutMs: options.logoutTimeoutMs ?? 3_000,
        client,
        accessToken: tokens.accessToken,
      });
      const { response } = await api.POST('/api/auth/logout', {
        body: tokens.refreshToken ? { refresh_token: tokens.refreshToken } : {},
      });
      // The backend answers every logout 200 (it is idempotent); anything else, a 429 or an outage,
      // left its session alive, and the caller must hear of it as it hears of an unreachable backend.
      if (!response.ok) throw new Error(`logout answered ${response.status}`);
    },
  };
}
