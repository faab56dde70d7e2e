import type { ExecutionContext } from '@nestjs/common';
import { CachedReflector } from '../../common/cached-reflector.js';
import { AcceptsForm } from '../../common/decorators/accepts-form.decorator.js';
import { Public } from '../../common/decorators/public.decorator.js';
import { Roles } from '../../common/decorators/roles.decorator.js';
import { ProblemException } from '../../common/problem.js';
import { SystemClock } from '../../common/clock.js';
import { loadConfig } from '../../config/config.js';
import type { SessionsService } from '../../sessions/sessions.service.js';
import { TokenService } from '../token.service.js';
import { ContentTypeGuard } from './content-type.guard.js';
import { JwtAuthGuard } from './jwt-auth.guard.js';
import { RolesGuard } from './roles.guard.js';

class Routes {
  @Public() open() {}
  closed() {}
  @Roles('admin') adminOnly() {}
  @AcceptsForm() login() {}
}

interface FakeRequest {
  method?: string;
  headers?: Record<string, string>;
  cookies?: Record<string, string>;
  user?: { role: string };
}

function contextFor(handler: keyof Routes, request: FakeRequest): ExecutionContext {
  const req = { method: 'GET', headers: {}, cookies: {}, ...request };
  return {
    getHandler: () => Routes.prototype[handler],
    getClass: () => Routes,
    switchToHttp: () => ({ getRequest: () => req, getResponse: () => ({}) }),
  } as unknown as ExecutionContext;
}

function statusOf(fn: () => unknown): number | undefined {
  try {
    fn();
    return undefined;
  } catch (error) {
    return (error as ProblemException).getStatus();
  }
}

async function asyncStatusOf(promise: Promise<unknown>): Promise<number | 'allowed'> {
  try {
    await promise;
    return 'allowed';
  } catch (error) {
    return (error as ProblemException).getStatus();
  }
}

describe('RolesGuard', () => {
  const guard = new RolesGuard(new CachedReflector());

  it('lets any authenticated user through a route without @Roles', () => {
    expect(guard.canActivate(contextFor('closed', { user: { role: 'user' } }))).toBe(true);
  });

  it('allows the required role and refuses others with 403', () => {
    expect(guard.canActivate(contextFor('adminOnly', { user: { role: 'admin' } }))).toBe(true);
    expect(statusOf(() => guard.canActivate(contextFor('adminOnly', { user: { role: 'user' } })))).toBe(403);
    expect(statusOf(() => guard.canActivate(contextFor('adminOnly', {})))).toBe(403);
  });
});

describe('ContentTypeGuard', () => {
  const guard = new ContentTypeGuard(new CachedReflector());

  it('refuses a form body with 415 unless the route accepts forms', () => {
    const form = { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' } };
    expect(statusOf(() => guard.canActivate(contextFor('closed', form)))).toBe(415);
    expect(guard.canActivate(contextFor('login', form))).toBe(true);
    expect(guard.canActivate(contextFor('closed', { method: 'POST', headers: { 'content-type': 'application/json' } }))).toBe(true);
  });
});

describe('JwtAuthGuard', () => {
  const config = loadConfig({ CORS_ORIGINS: 'https://app.example.com' });
  const tokens = new TokenService(config, new SystemClock());
  const principal = { id: '7c4bd3a8-4a3e-4a3c-9c1e-0d6c1f0b2a11', sessionId: 'a0c1e9f2-6b3d-4f7e-8a9b-1c2d3e4f5a6b', email: 'a@example.com', role: 'user' as const };
  // The session lookup is the only collaborator replaced here; the real-database behaviour is
  // covered by the sessions spec and the HTTP suites.
  let liveSession = true;
  const sessions = { findActivePrincipal: async () => (liveSession ? principal : undefined) } as unknown as SessionsService;
  const guard = new JwtAuthGuard(new CachedReflector(), config, tokens, sessions);
  const cookies = { access_token: 'x' };

  it('opens @Public() routes without a token', async () => {
    expect(await asyncStatusOf(guard.canActivate(contextFor('open', {})))).toBe('allowed');
  });

  it('refuses an unsafe request from a foreign origin or a cross-site fetch, with or without cookies, even on public routes', async () => {
    expect(await asyncStatusOf(guard.canActivate(contextFor('open', { method: 'POST', cookies, headers: { origin: 'https://evil.example' } })))).toBe(403);
    expect(await asyncStatusOf(guard.canActivate(contextFor('open', { method: 'DELETE', cookies, headers: { 'sec-fetch-site': 'cross-site' } })))).toBe(403);
    expect(await asyncStatusOf(guard.canActivate(contextFor('open', { method: 'POST', cookies: { refresh_token: 'y' }, headers: { origin: 'null' } })))).toBe(403);
    // Without cookies too: a foreign page could otherwise sign the browser in (login CSRF).
    expect(await asyncStatusOf(guard.canActivate(contextFor('open', { method: 'POST', headers: { origin: 'https://evil.example' } })))).toBe(403);
    expect(await asyncStatusOf(guard.canActivate(contextFor('open', { method: 'POST', headers: { 'sec-fetch-site': 'cross-site' } })))).toBe(403);
    // Basic credentials (a staging site behind a password) are attached by the browser itself.
    expect(await asyncStatusOf(guard.canActivate(contextFor('open', { method: 'POST', headers: { origin: 'https://evil.example', authorization: 'Basic dTpw' } })))).toBe(403);
  });

  it('lets through allowed origins, safe methods, non-browser requests and bearer-authenticated requests', async () => {
    expect(await asyncStatusOf(guard.canActivate(contextFor('open', { method: 'POST', cookies, headers: { origin: 'https://app.example.com' } })))).toBe('allowed');
    expect(await asyncStatusOf(guard.canActivate(contextFor('open', { method: 'GET', cookies, headers: { origin: 'https://evil.example' } })))).toBe('allowed');
    expect(await asyncStatusOf(guard.canActivate(contextFor('open', { method: 'POST', headers: {} })))).toBe('allowed');
    expect(await asyncStatusOf(guard.canActivate(contextFor('open', { method: 'POST', cookies, headers: { origin: 'https://evil.example', authorization: 'Bearer t' } })))).toBe('allowed');
    expect(await asyncStatusOf(guard.canActivate(contextFor('open', { method: 'POST', cookies, headers: {} })))).toBe('allowed');
  });

  it('authenticates a valid token of a live session and sets request.user', async () => {
    liveSession = true;
    const token = tokens.signAccessToken(principal, principal.sessionId);
    const context = contextFor('closed', { headers: { authorization: `Bearer ${token}` } });
    expect(await asyncStatusOf(guard.canActivate(context))).toBe('allowed');
    expect((context.switchToHttp().getRequest() as FakeRequest).user).toEqual(principal);
  });

  it('answers 401 without a token, with a bad one, or when the session is no longer live', async () => {
    const token = tokens.signAccessToken(principal, principal.sessionId);
    liveSession = true;
    expect(await asyncStatusOf(guard.canActivate(contextFor('closed', {})))).toBe(401);
    expect(await asyncStatusOf(guard.canActivate(contextFor('closed', { headers: { authorization: `Bearer ${token}x` } })))).toBe(401);
    expect(await asyncStatusOf(guard.canActivate(contextFor('closed', { headers: { authorization: `Token ${token}` } })))).toBe(401);
    liveSession = false;
    expect(await asyncStatusOf(guard.canActivate(contextFor('closed', { headers: { authorization: `Bearer ${token}` } })))).toBe(401);
  });
});
