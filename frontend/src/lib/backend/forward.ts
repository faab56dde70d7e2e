/**
 * Who the browser user is, as far as the backend's session list and per-IP throttling are concerned.
 * The Next server is the backend's only browser-facing client, so without these headers every device
 * would show up as "node" on the frontend's address, and one person's failed logins would throttle
 * everyone.
 */
export interface ForwardedClient {
  userAgent: string | null;
  ip: string | null;
}

export const NO_CLIENT: ForwardedClient = { userAgent: null, ip: null };

export function forwardedHeaders(client: ForwardedClient | undefined): Record<string, string> {
  const headers: Record<string, string> = {};
  if (client?.userAgent) headers['user-agent'] = client.userAgent.slice(0, 512);
  // One address, not the incoming chain: the chain may carry values the browser made up, and the
  // backend only trusts the hop it receives from us (TRUST_PROXY = this server's address).
  if (client?.ip) headers['x-forwarded-for'] = client.ip;
  return headers;
}
