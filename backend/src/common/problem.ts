import { HttpException, HttpStatus } from '@nestjs/common';

/** RFC 9457 problem details, the body of every error response. */
export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance?: string;
  errors?: FieldError[];
}

export interface FieldError {
  field: string;
  message: string;
}

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

/** What a person reads when the thrower gave no sentence of its own. */
const DEFAULT_DETAILS: Record<number, string> = {
  400: 'The request could not be understood.',
  401: 'Authentication is required to access this resource.',
  403: 'You are not allowed to perform this action.',
  404: 'The requested resource does not exist.',
  405: 'This method is not allowed on this resource.',
  409: 'The request conflicts with the current state of the resource.',
  413: 'The request body is too large.',
  415: 'This content type is not supported by this endpoint.',
  422: 'The request contains invalid fields.',
  429: 'Too many requests. Please wait before trying again.',
  500: 'An unexpected error occurred. Please try again later.',
  503: 'The service is temporarily unavailable. Please try again shortly.',
};

export function titleFor(status: number): string {
  return TITLES[status] ?? (status >= 500 ? 'Server Error' : 'Client Error');
}

export function defaultDetail(status: number): string {
  return DEFAULT_DETAILS[status] ?? (status >= 500 ? DEFAULT_DETAILS[500] : DEFAULT_DETAILS[400]);
}

/**
 * An HTTP error with a human `detail`, optional field errors and response headers
 * (`Retry-After`, …). Throw it from services and guards; the filter renders it as problem+json.
 */
export class ProblemException extends HttpException {
  constructor(
    status: number,
    readonly detail: string = defaultDetail(status),
    readonly errors?: FieldError[],
    readonly headers: Record<string, string> = {},
  ) {
    super(detail, status);
  }
}

export const unauthorized = (detail = 'Authentication is required to access this resource.') =>
  new ProblemException(HttpStatus.UNAUTHORIZED, detail);
export const notFound = (detail = 'The requested resource does not exist.') => new ProblemException(HttpStatus.NOT_FOUND, detail);
export const conflict = (detail: string) => new ProblemException(HttpStatus.CONFLICT, detail);
export const forbidden = (detail = 'You are not allowed to perform this action.') => new ProblemException(HttpStatus.FORBIDDEN, detail);
export const tooManyRequests = (retryAfterSeconds: number) =>
  new ProblemException(HttpStatus.TOO_MANY_REQUESTS, `Too many requests. Try again in ${retryAfterSeconds} seconds.`, undefined, {
    'Retry-After': String(retryAfterSeconds),
  });
