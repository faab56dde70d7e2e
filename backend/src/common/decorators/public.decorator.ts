import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiExtension } from '@nestjs/swagger';

export const IS_PUBLIC = 'auth:isPublic';
/** OpenAPI marker read by `buildOpenApiDocument`, which turns it into `security: []`. */
export const PUBLIC_EXTENSION = 'x-public';

/**
 * The one way to open a route: every other route requires a valid access token (the global
 * authentication guard is default-deny). Also documents the route as open in OpenAPI, overriding
 * the document-wide bearer requirement.
 */
export function Public(): MethodDecorator & ClassDecorator {
  return applyDecorators(SetMetadata(IS_PUBLIC, true), ApiExtension(PUBLIC_EXTENSION, true));
}
