import { Global, Module } from '@nestjs/common';
import { PasswordService } from './password.service.js';
import { TokenService } from './token.service.js';

/**
 * The cryptographic primitives (password hashing, token signing) with no dependencies of their own,
 * so that sessions, users and auth can all use them without a module cycle.
 */
@Global()
@Module({ providers: [PasswordService, TokenService], exports: [PasswordService, TokenService] })
export class CredentialsModule {}
