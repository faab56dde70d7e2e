/**
 * The Content-Security-Policy of every page: scripts only with this response's nonce (Next.js puts
 * it on its own scripts when it finds the policy on the request, see proxy.ts) or loaded by them
 * ('strict-dynamic'), so an injected <script> or inline handler never runs; nothing framed, no
 * plugins, forms and requests to this origin only. Styles allow inline: React's `style` attributes
 * cannot carry a nonce, and CSS cannot run code.
 */
export function contentSecurityPolicy(nonce: string, { development = false } = {}): string {
  const directives: Record<string, string[]> = {
    'default-src': ["'self'"],
    // React's development build evaluates code (call stacks, hot reload); production never does.
    'script-src': ["'self'", `'nonce-${nonce}'`, "'strict-dynamic'", ...(development ? ["'unsafe-eval'"] : [])],
    'style-src': ["'self'", "'unsafe-inline'"],
    'img-src': ["'self'", 'data:', 'blob:'],
    'font-src': ["'self'"],
    'connect-src': ["'self'", ...(development ? ['ws:'] : [])],
    'object-src': ["'none'"],
    'base-uri': ["'self'"],
    'form-action': ["'self'"],
    'frame-ancestors': ["'none'"],
  };
  return Object.entries(directives)
    .map(([name, sources]) => `${name} ${sources.join(' ')}`)
    .join('; ');
}

/** 128 bits from the CSPRNG, base64: a fresh nonce per response. */
export function newNonce(): string {
  return btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(16))));
}
