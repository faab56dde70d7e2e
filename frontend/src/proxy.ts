import { getSessionCookie } from 'better-auth/cookies';
import { NextResponse, type NextRequest } from 'next/server';
import { contentSecurityPolicy, newNonce } from '@/lib/csp';

const PROTECTED = /^\/(dashboard|settings)(\/|$)/;

/**
 * Every page: a Content-Security-Policy with a fresh nonce, on the request (where Next.js reads the
 * nonce for its own scripts) and on the response (where the browser enforces it).
 *
 * Protected pages: an optimistic redirect only: no session cookie, no page. Whether the cookie still
 * names a live session is checked where the data is read (server components and actions), so a
 * stale cookie costs one extra redirect and never a loop.
 */
export function proxy(request: NextRequest) {
  const policy = contentSecurityPolicy(newNonce(), { development: process.env.NODE_ENV === 'development' });
  let response: NextResponse;
  if (PROTECTED.test(request.nextUrl.pathname) && !getSessionCookie(request)) {
    const login = new URL('/login', request.url);
    login.searchParams.set('callbackUrl', `${request.nextUrl.pathname}${request.nextUrl.search}`);
    response = NextResponse.redirect(login);
  } else {
    const headers = new Headers(request.headers);
    headers.set('Content-Security-Policy', policy);
    response = NextResponse.next({ request: { headers } });
  }
  response.headers.set('Content-Security-Policy', policy);
  return response;
}

export const config = {
  // Pages only: not Better Auth's JSON handler (/auth/…), Next's static files or the icon.
  matcher: ['/((?!auth/|_next/|icon\\.svg|favicon\\.ico).*)'],
};
