import { applyDecorators, SetMetadata } from '@nestjs/common';

export const IS_PUBLIC = 'auth:isPublic';
/** @nestjs/swagger's operation-security metadata key (not exported by the package; pinned by the OpenAPI test). */
const API_SECURITY = 'swagger/apiSecurity';

/**
 * The one way to open a route: every other route requires a valid access token (the global
 * authentication guard is default-deny). Also clears the document-wide bearer requirement for this
 * operation in OpenAPI, so Swagger shows the route as open.
 */
export function Public(): MethodDecorator & ClassDecorator {
  return applyDecorators(SetMetadata(IS_PUBLIC, true), (target: object, _key?: string | symbol, descriptor?: PropertyDescriptor) => {
    Reflect.defineMetadata(API_SECURITY, [], descriptor ? descriptor.value : target);
  });
}
