import { ArgumentsHost, Catch, HttpException, HttpStatus, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { PinoLogger } from 'nestjs-pino';
import { defaultDetail, ProblemException, titleFor, type FieldError, type ProblemDetails } from './problem.js';

interface Rendered {
  problem: ProblemDetails;
  headers: Record<string, string>;
}

// PostgreSQL SQLSTATE classes/codes and socket errors that mean "the database is not there right now".
const DB_UNAVAILABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ENOTFOUND', 'EAI_AGAIN', '57P01', '57P02', '57P03', '53300']);
const DB_UNAVAILABLE_MESSAGES = /timeout exceeded when trying to connect|Connection terminated|Client has encountered a connection error|connect ECONNREFUSED/i;

export function isDatabaseUnavailable(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const e = error as { code?: unknown; message?: unknown; driverError?: unknown; cause?: unknown };
  if (typeof e.code === 'string' && (DB_UNAVAILABLE_CODES.has(e.code) || e.code.startsWith('08'))) return true;
  if (typeof e.message === 'string' && DB_UNAVAILABLE_MESSAGES.test(e.message)) return true;
  return isDatabaseUnavailable(e.driverError) || isDatabaseUnavailable(e.cause);
}

function isClientFastifyError(error: unknown): error is { statusCode: number; code?: string } {
  return typeof error === 'object' && error !== null && 'statusCode' in error && typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 500;
}

const FASTIFY_DETAILS: Record<string, string> = {
  // Fastify's parser refuses prototype-poisoning keys with the same error as broken JSON.
  FST_ERR_CTP_INVALID_JSON_BODY: 'The request body is not valid JSON, or uses a reserved key (__proto__, constructor.prototype).',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'The request body is empty but declared as JSON.',
  FST_ERR_CTP_BODY_TOO_LARGE: 'The request body is too large.',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'This content type is not supported by this endpoint.',
};

function fastifyDetail(cause: unknown): string | undefined {
  if (typeof cause !== 'object' || cause === null) return undefined;
  const code = (cause as { code?: unknown }).code;
  if (typeof code === 'string' && code in FASTIFY_DETAILS) return FASTIFY_DETAILS[code];
  // JSON.parse failures surface as a SyntaxError with status 400.
  if (cause instanceof SyntaxError) return FASTIFY_DETAILS.FST_ERR_CTP_INVALID_JSON_BODY;
  return undefined;
}

/** Turns anything thrown into an RFC 9457 problem; never leaks a message it did not choose to show. */
export function renderProblem(error: unknown, instance?: string): Rendered {
  let status: number = HttpStatus.INTERNAL_SERVER_ERROR;
  let detail: string | undefined;
  let errors: FieldError[] | undefined;
  let headers: Record<string, string> = {};

  if (error instanceof ProblemException) {
    status = error.getStatus();
    detail = error.detail;
    errors = error.errors;
    headers = { ...error.headers };
  } else if (error instanceof HttpException) {
    status = error.getStatus();
    // Nest's own exceptions (unknown route, 405, …) carry framework wording, and Fastify's client
    // errors arrive wrapped with the Fastify error as `cause`: fixed sentences are safer and clearer.
    detail = fastifyDetail(error.cause);
  } else if (isClientFastifyError(error)) {
    status = error.statusCode;
    detail = fastifyDetail(error);
  } else if (isDatabaseUnavailable(error)) {
    status = HttpStatus.SERVICE_UNAVAILABLE;
  }

  if (status === HttpStatus.UNAUTHORIZED) headers['WWW-Authenticate'] ??= 'Bearer';
  // A 503 is documented with Retry-After wherever it comes from: terminus's failed health check
  // throws its own exception, which told a load balancer or client nothing about when to retry.
  if (status === HttpStatus.SERVICE_UNAVAILABLE) headers['Retry-After'] ??= '5';
  const problem: ProblemDetails = {
    type: 'about:blank',
    title: titleFor(status),
    status,
    detail: detail ?? defaultDetail(status),
  };
  if (instance) problem.instance = instance;
  if (errors && errors.length > 0) problem.errors = errors;
  return { problem, headers };
}

/** Only what helps an operator: never query parameters (they can hold hashes or tokens). */
export function describeError(error: unknown): Record<string, unknown> {
  if (!(error instanceof Error)) return { value: typeof error };
  const e = error as Error & { code?: unknown };
  return { type: e.name, message: e.message, code: e.code, stack: e.stack };
}

@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  constructor(private readonly logger: PinoLogger) {
    logger.setContext('ProblemDetailsFilter');
  }

  catch(exception: unknown, host: ArgumentsHost): void {
    const ctx = host.switchToHttp();
    const reply = ctx.getResponse<FastifyReply>();
    const request = ctx.getRequest<FastifyRequest>();
    const { problem, headers } = renderProblem(exception, request.url?.split('?')[0]);
    if (problem.status >= 500) {
      this.logger.error({ err: describeError(exception), status: problem.status }, 'request failed');
    }
    sendProblem(reply, problem, headers);
  }
}

export function sendProblem(reply: FastifyReply, problem: ProblemDetails, headers: Record<string, string>): void {
  for (const [name, value] of Object.entries(headers)) reply.header(name, value);
  reply.status(problem.status).header('Content-Type', 'application/problem+json; charset=utf-8').send(JSON.stringify(problem));
}
