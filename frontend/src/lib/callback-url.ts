/** Stands in for this app's origin: only whether a path stays on it matters here. */
const OWN_ORIGIN = 'http://own-origin.invalid';

/** Only same-site paths: a sign-in link must not be able to send the user to another site. */
export function safeCallbackUrl(raw: string | string[] | undefined | null, fallback = '/dashboard'): string {
  const value = Array.isArray(raw) ? raw[0] : raw;
  if (!value || !value.startsWith('/') || value.startsWith('//') || value.startsWith('/\\')) return fallback;
  if (/[\u0000-\u001f]/.test(value)) return fallback;
  // Judged as the browser will resolve it, not as written: dot segments and backslashes can still
  // turn it into a path starting with //. And handed back resolved, which percent-encodes what a
  // Location header cannot carry (a raw "é" failed the redirect from /login with a 500).
  const url = new URL(value, OWN_ORIGIN);
  const path = `${url.pathname}${url.search}${url.hash}`;
  if (url.origin !== OWN_ORIGIN || path.startsWith('//')) return fallback;
  // Back to the sign-in pages would only bounce straight back here.
  if (/^\/(login|register)(\/|$)/.test(url.pathname)) return fallback;
  return path;
}
