import { createParamDecorator, Injectable, type ExecutionContext, type PipeTransform } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { createValidationPipe } from '../../common/validation.js';
import { isFormRequest } from '../guards/content-type.guard.js';
import { LoginFormDto, LoginJsonDto } from './auth.dto.js';

interface LoginRequestBody {
  body: unknown;
  form: boolean;
}

const loginRequestBody = createParamDecorator((_: unknown, context: ExecutionContext): LoginRequestBody => {
  const request = context.switchToHttp().getRequest<FastifyRequest>();
  return { body: request.body, form: isFormRequest(request) };
});

/**
 * Validates the body as the class of its media type, so each takes exactly the fields its schema in
 * the OpenAPI document lists: a JSON body with the form's `username` or `grant_type` is refused
 * like any unknown field, and so is a form with `email`.
 */
@Injectable()
export class LoginBodyPipe implements PipeTransform<LoginRequestBody, Promise<LoginJsonDto | LoginFormDto>> {
  private readonly validation = createValidationPipe();

  transform({ body, form }: LoginRequestBody): Promise<LoginJsonDto | LoginFormDto> {
    return this.validation.transform(body, { type: 'body', metatype: form ? LoginFormDto : LoginJsonDto }) as Promise<LoginJsonDto | LoginFormDto>;
  }
}

/** Sign-in's body: JSON `{ email, password }` or the OAuth 2.0 password-grant form, each validated as itself. */
export const LoginBody = (): ParameterDecorator => loginRequestBody(LoginBodyPipe);
