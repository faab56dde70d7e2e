// Minimal HS256 for the measuring instruments: the hand-written baselines verify and sign with it,
// and the runner mints access tokens the real backend accepts. A KeyObject, never a string secret:
// jsonwebtoken-style libraries try to parse a string as a PEM key first, which costs several times
// the HMAC itself.
import { createHmac, createSecretKey, timingSafeEqual } from 'node:crypto';

const HEADER = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT' })).toString('base64url');

export const hs256Key = (secret) => createSecretKey(Buffer.from(secret, 'utf8'));

export function signJwt(claims, key) {
  const signingInput = `${HEADER}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}`;
  return `${signingInput}.${createHmac('sha256', key).update(signingInput).digest('base64url')}`;
}

/** Returns the claims of a valid access token, or null. */
export function verifyAccessJwt(token, key, { issuer, audience }) {
  const a = token.indexOf('.');
  const b = token.indexOf('.', a + 1);
  if (a < 0 || b < 0 || token.indexOf('.', b + 1) >= 0) return null;
  let header;
  let claims;
  try {
    header = JSON.parse(Buffer.from(token.slice(0, a), 'base64url'));
    if (header.alg !== 'HS256') return null;
    const expected = createHmac('sha256', key).update(token.slice(0, b)).digest();
    const given = Buffer.from(token.slice(b + 1), 'base64url');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
    claims = JSON.parse(Buffer.from(token.slice(a + 1, b), 'base64url'));
  } catch {
    return null;
  }
  const now = Math.floor(Date.now() / 1000);
  if (typeof claims.exp !== 'number' || claims.exp <= now) return null;
  if (claims.type !== 'access' || claims.iss !== issuer) return null;
  if (Array.isArray(claims.aud) ? !claims.aud.includes(audience) : claims.aud !== audience) return null;
  return claims;
}
