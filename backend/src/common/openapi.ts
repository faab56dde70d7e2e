import { applyDecorators } from '@nestjs/common';
import { ApiExtraModels, ApiProperty, ApiPropertyOptional, ApiResponse, getSchemaPath } from '@nestjs/swagger';

export class FieldErrorResponse {
  @ApiProperty({ example: 'email' })
  field: string;

  @ApiProperty({ example: 'email must be an email' })
  message: string;
}

/** RFC 9457 problem details, for OpenAPI. */
export class ProblemResponse {
  @ApiProperty({ example: 'about:blank' })
  type: string;

  @ApiProperty({ example: 'Unprocessable Content' })
  title: string;

  @ApiProperty({ example: 422 })
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

/** One problem response as OpenAPI states it: RFC 9457 `application/problem+json`, what the filter sends. */
export function problemResponse(status: number, description = PROBLEM_DESCRIPTIONS[status] ?? 'Error') {
  return { description, content: { 'application/problem+json': { schema: { $ref: getSchemaPath(ProblemResponse) } } } };
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
