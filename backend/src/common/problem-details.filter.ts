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
    // Nest's own exceptions (404 for unknown routes, 405, …) carry framework wording; ours do not
    // reach this branch, so a fixed sentence per status is both safer and clearer.
  } else if (typeof error === 'object' && error !== null && 'statusCode' in error && typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 500) {
    // Fastify's own client errors: malformed JSON, body too large, unsupported content type.
    status = error.statusCode;
    const code = (error as { code?: string }).code;
    if (code === 'FST_ERR_CTP_INVALID_JSON_BODY' || code === 'FST_ERR_CTP_EMPTY_JSON_BODY' || (error instanceof SyntaxError && status === 400)) {
      detail = 'The request body is not valid JSON.';
    } else if (code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      detail = 'The request body is too large.';
    } else if (code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE' || code === 'FST_ERR_CTP_INVALID_CONTENT_LENGTH') {
      detail = status === 415 ? 'This content type is not supported by this endpoint.' : undefined;
    }
  } else if (isDatabaseUnavailable(error)) {
    status = HttpStatus.SERVICE_UNAVAILABLE;
    headers['Retry-After'] = '5';
  }

  if (status === HttpStatus.UNAUTHORIZED) headers['WWW-Authenticate'] = 'Bearer';
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
