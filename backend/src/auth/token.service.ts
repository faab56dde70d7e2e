import { createCipheriv, createDecipheriv, createHash, createSecretKey, hkdfSync, randomBytes, randomUUID, type KeyObject } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import jwt from 'jsonwebtoken';
import { Clock } from '../common/clock.js';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import type { Role } from '../users/user.entity.js';
import type { AccessTokenClaims } from './auth-user.js';

export const JWT_ALGORITHM = 'HS256';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Access-token signing and the opaque-token primitives (generation, hashing, sealing).
 *
 * The HS256 secret is held as a `KeyObject`: jsonwebtoken, given a string, first tries to parse it as
 * a PEM key on every call, which costs ~50x the signature itself.
 */
@Injectable()
export class TokenService {
  readonly signingKey: KeyObject;
  private readonly sealKey: Buffer;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {
    this.signingKey = createSecretKey(Buffer.from(config.jwt.secret, 'utf8'));
    // A separate key for sealing refresh-token successors, so neither use can stand in for the other.
    this.sealKey = Buffer.from(hkdfSync('sha256', config.jwt.secret, 'refresh-successor', 'nest-auth-stack', 32));
  }

  get accessTokenSeconds(): number {
    return this.config.jwt.accessTokenMinutes * 60;
  }

  signAccessToken(user: { id: string; email: string; role: Role }, sessionId: string): string {
    const iat = Math.floor(this.clock.now().getTime() / 1000);
    const claims: AccessTokenClaims = {
      sub: user.id,
      sid: sessionId,
      email: user.email,
      role: user.role,
      type: 'access',
      iat,
      exp: iat + this.accessTokenSeconds,
      jti: randomUUID(),
      iss: this.config.jwt.issuer,
      aud: this.config.jwt.audience,
    };
    return jwt.sign(claims, this.signingKey, { algorithm: JWT_ALGORITHM });
  }

  /**
   * The claims of a genuine, unexpired access token, or undefined. HS256 only (pinned: `none` and
   * algorithm-confusion tokens fail), issuer and audience checked, `kid`/`jku` never consulted, and
   * expiry judged by the injected clock. Checks the claims' shape too: a verified signature over
   * claims of another shape authenticates nothing.
   */
  verifyAccessToken(token: string): AccessTokenClaims | undefined {
    let claims: unknown;
    try {
      claims = jwt.verify(token, this.signingKey, {
        algorithms: [JWT_ALGORITHM],
        issuer: this.config.jwt.issuer,
        audience: this.config.jwt.audience,
        clockTimestamp: Math.floor(this.clock.now().getTime() / 1000),
      });
    } catch {
      return undefined;
    }
    if (typeof claims !== 'object' || claims === null) return undefined;
    const c = claims as Partial<AccessTokenClaims>;
    if (c.type !== 'access' || typeof c.exp !== 'number' || typeof c.sub !== 'string' || typeof c.sid !== 'string') return undefined;
    if (!UUID.test(c.sub) || !UUID.test(c.sid)) return undefined;
    return c as AccessTokenClaims;
  }

  /** 256 bits from the CSPRNG, URL-safe. */
  static randomToken(): string {
    return randomBytes(32).toString('base64url');
  }

  /** Opaque tokens are stored only as their SHA-256: they are random, so no salt or KDF is needed. */
  static hash(token: string): Buffer {
    return createHash('sha256').update(token, 'utf8').digest();
  }

  seal(token: string): Buffer {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.sealKey, iv);
    const body = Buffer.concat([cipher.update(token, 'utf8'), cipher.final()]);
    return Buffer.concat([iv, cipher.getAuthTag(), body]);
  }

  /** Returns undefined when the box was not sealed with the current key (e.g. after a key rotation). */
  unseal(box: Buffer): string | undefined {
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.sealKey, box.subarray(0, 12));
      decipher.setAuthTag(box.subarray(12, 28));
      return Buffer.concat([decipher.update(box.subarray(28)), decipher.final()]).toString('utf8');
    } catch {
      return undefined;
    }
  }
}
