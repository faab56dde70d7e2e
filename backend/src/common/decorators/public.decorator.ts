import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiExtension } from '@nestjs/swagger';

export const IS_PUBLIC = 'auth:isPublic';
/** OpenAPI marker read by `buildOpenApiDocument`, which turns it into `security: []`. */
export const PUBLIC_EXTENSION = 'x-public';
/** The marker's value for an open route that also reads the caller's credentials when sent. */
export const CREDENTIALS_OPTIONAL = 'credentials-optional';

export interface PublicOptions {
  /**
   * The route acts on the caller's access token when one is sent (sign-out ends its session).
   * OpenAPI then lists the schemes as optional rather than none: Swagger UI sends a header only to
   * operations whose security names its scheme, so with `security: []` an authorized user's sign-out
   * answered 200 and ended nothing.
   */
  readsCredentials?: boolean;
}

/**
 * The one way to open a route: every other route requires a valid access token (the global
 * authentication guard is default-deny). Also documents the route as open in OpenAPI, overriding
 * the document-wide bearer requirement.
 */
export function Public(options: PublicOptions = {}): MethodDecorator & ClassDecorator {
  return applyDecorators(SetMetadata(IS_PUBLIC, true), ApiExtension(PUBLIC_EXTENSION, options.readsCredentials ? CREDENTIALS_OPTIONAL : true));
}
