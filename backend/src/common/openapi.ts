import { applyDecorators, type Type } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiExtension, ApiExtraModels, ApiProperty, ApiPropertyOptional, ApiResponse, getSchemaPath } from '@nestjs/swagger';

export class FieldErrorResponse {
  @ApiProperty({ example: 'email' })
  field: string;

  @ApiProperty({ example: 'email must be a valid email address' })
  message: string;
}

/** RFC 9457 problem details, for OpenAPI. */
export class ProblemResponse {
  @ApiProperty({ example: 'about:blank' })
  type: string;

  @ApiProperty({ example: 'Unprocessable Content' })
  title: string;

  @ApiProperty({ type: 'integer', example: 422 })
  status: number;

  @ApiProperty({ example: 'The request contains invalid fields.' })
  detail: string;

  @ApiPropertyOptional({ example: '/api/tasks' })
  instance?: string;

  @ApiPropertyOptional({ type: [FieldErrorResponse] })
  errors?: FieldErrorResponse[];
}

export class DetailResponse {
  @ApiProperty({ example: 'Logged out' })
  detail: string;
}

const PROBLEM_DESCRIPTIONS: Record<number, string> = {
  400: 'Malformed request',
  401: 'Not authenticated (WWW-Authenticate: Bearer)',
  403: 'Not allowed',
  404: 'Absent, or not yours',
  409: 'Conflict',
  413: 'Body too large',
  415: 'Unsupported content type',
  422: 'Validation failed (field errors in `errors`)',
  429: 'Throttled (see Retry-After)',
  503: 'Database unavailable',
};

const retryAfter = { description: 'Seconds to wait before trying again', schema: { type: 'integer' } };

/** The headers the filter sends with a status, as OpenAPI states them. */
const PROBLEM_HEADERS: Record<number, Record<string, { description: string; schema: Record<string, string> }>> = {
  401: { 'WWW-Authenticate': { description: '`Bearer`; `Bearer error="invalid_token"` when an access token was sent and refused', schema: { type: 'string' } } },
  429: { 'Retry-After': retryAfter },
  503: { 'Retry-After': retryAfter },
};

/** One problem response as OpenAPI states it: RFC 9457 `application/problem+json`, what the filter sends. */
export function problemResponse(status: number, description = PROBLEM_DESCRIPTIONS[status] ?? 'Error') {
  const headers = PROBLEM_HEADERS[status];
  return { description, ...(headers ? { headers } : {}), content: { 'application/problem+json': { schema: { $ref: getSchemaPath(ProblemResponse) } } } };
}

/**
 * Documents one problem response on a route. A `$ref` alone does not put the schema in the
 * document: ApiExtraModels does.
 */
export function ApiProblem(status: number, description?: string): MethodDecorator & ClassDecorator {
  return applyDecorators(ApiExtraModels(ProblemResponse), ApiResponse({ status, ...problemResponse(status, description) }));
}

/** Documents the problem responses a route can give. */
export function ApiProblems(...statuses: number[]): MethodDecorator & ClassDecorator {
  return applyDecorators(...statuses.map((status) => ApiProblem(status)));
}

/** The operation extension `buildOpenApiDocument` reads (and removes) to give each media type its schema. */
export const BODY_BY_MEDIA_TYPE = 'x-body-by-media-type';

/**
 * A request body whose fields depend on its media type: sign-in's OAuth2 form calls the email
 * `username` and carries the grant's fields, its JSON body is `{ email, password }`. @nestjs/swagger
 * gives every media type of an operation the one schema of `@ApiBody`, which showed Swagger UI users
 * both spellings at once; the document builder puts each class here under its own media type. The
 * classes document; the route's `@Body()` DTO still validates.
 */
export function ApiBodyByMediaType(bodies: Record<string, Type<unknown>>): MethodDecorator {
  const types = Object.values(bodies);
  return applyDecorators(
    ApiConsumes(...Object.keys(bodies)),
    ApiExtraModels(...types),
    ApiBody({ type: types[0] }),
    ApiExtension(BODY_BY_MEDIA_TYPE, Object.fromEntries(Object.entries(bodies).map(([media, type]) => [media, getSchemaPath(type)]))),
  );
}
