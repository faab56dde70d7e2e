import type { Role } from '../users/user.entity.js';

/** The caller of an authenticated request: who, on which session, with which role (read live). */
export interface AuthUser {
  readonly id: string;
  readonly sessionId: string;
  readonly email: string;
  readonly role: Role;
}

/** Claims of our access tokens (API contract). */
export interface AccessTokenClaims {
  sub: string;
  sid: string;
  email: string;
  role: Role;
  type: 'access';
  iat: number;
  exp: number;
  jti: string;
  iss: string;
  aud: string;
}
