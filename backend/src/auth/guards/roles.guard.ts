import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { CachedReflector } from '../../common/cached-reflector.js';
import { REQUIRED_ROLES } from '../../common/decorators/roles.decorator.js';
import { forbidden } from '../../common/problem.js';
import type { Role } from '../../users/user.entity.js';
import type { AuthUser } from '../auth-user.js';

/** The refusal of a caller without one of `roles`: from this guard, and from a service that checks again under a lock. */
export const roleRequired = (roles: readonly Role[]) => forbidden(`This action requires the ${roles.join(' or ')} role.`);

/** Global: enforces `@Roles(...)`. Runs after authentication, so `user.role` is the live role. */
@Injectable()
export class RolesGuard implements CanActivate {
  constructor(private readonly reflector: CachedReflector) {}

  canActivate(context: ExecutionContext): boolean {
    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(REQUIRED_ROLES, [context.getHandler(), context.getClass()]);
    if (!roles || roles.length === 0) return true;
    const user = context.switchToHttp().getRequest<FastifyRequest & { user?: AuthUser }>().user;
    if (!user || !roles.includes(user.role)) throw roleRequired(roles);
    return true;
  }
}
