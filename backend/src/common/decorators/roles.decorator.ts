import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiExtension } from '@nestjs/swagger';
import type { Role } from '../../users/user.entity.js';
import { ApiProblem } from '../openapi.js';

export const REQUIRED_ROLES = 'auth:roles';

/**
 * Restricts a route (or controller) to the given roles; enforced by the global roles guard and
 * documented in OpenAPI in the same breath (403 response + `x-required-roles`).
 */
export function Roles(...roles: Role[]): MethodDecorator & ClassDecorator {
  return applyDecorators(
    SetMetadata(REQUIRED_ROLES, roles),
    ApiExtension('x-required-roles', roles),
    ApiProblem(403, `Requires role: ${roles.join(' or ')}`),
  );
}
