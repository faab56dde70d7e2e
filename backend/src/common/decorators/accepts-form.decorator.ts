import { SetMetadata } from '@nestjs/common';

export const ACCEPTS_FORM = 'http:acceptsForm';

/**
 * Lets a route take `application/x-www-form-urlencoded` as well as JSON. Every other route answers
 * a form body with 415, so a browser form post can never reach it.
 */
export const AcceptsForm = (): MethodDecorator => SetMetadata(ACCEPTS_FORM, true);
