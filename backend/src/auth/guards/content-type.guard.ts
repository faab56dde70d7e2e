import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { CachedReflector } from '../../common/cached-reflector.js';
import { ACCEPTS_FORM } from '../../common/decorators/accepts-form.decorator.js';
import { ProblemException } from '../../common/problem.js';

export function isFormRequest(request: FastifyRequest): boolean {
  return request.headers['content-type']?.toLowerCase().startsWith('application/x-www-form-urlencoded') === true;
}

/**
 * Forms are parsed globally (Swagger's OAuth2 login posts one), but only routes marked
 * `@AcceptsForm()` take them; elsewhere a form body is 415 like any other foreign content type.
 */
@Injectable()
export class ContentTypeGuard implements CanActivate {
  constructor(private readonly reflector: CachedReflector) {}

  canActivate(context: ExecutionContext): boolean {
    if (!isFormRequest(context.switchToHttp().getRequest<FastifyRequest>())) return true;
    if (this.reflector.get<boolean>(ACCEPTS_FORM, context.getHandler())) return true;
    throw new ProblemException(415, 'This endpoint accepts application/json only.');
  }
}
