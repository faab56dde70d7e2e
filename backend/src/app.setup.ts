import fastifyCookie from '@fastify/cookie';
import proxyAddr from '@fastify/proxy-addr';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import helmet from 'helmet';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { PinoLogger } from 'nestjs-pino';
import { ACCESS_COOKIE } from './auth/cookies.js';
import { UNSAFE_METHODS } from './auth/guards/jwt-auth.guard.js';
import { CREDENTIALS_OPTIONAL, PUBLIC_EXTENSION } from './common/decorators/public.decorator.js';
import { BODY_BY_MEDIA_TYPE, problemResponse } from './common/openapi.js';
import { notFound, ProblemException } from './common/problem.js';
import { renderProblem, sendProblem } from './common/problem-details.filter.js';
import { requestIds } from './common/request-context.js';
import { createValidationPipe } from './common/validation.js';
import type { AppConfig } from './config/config.js';

/**
 * TRUST_PROXY as Fastify understands it. Fastify 5 refuses bare hop counts (it cannot check that the
 * peer is a proxy), so a count N becomes the classic rule "the N nearest addresses are proxies":
 * correct only when every request really passes the proxies, which is why addresses are preferred.
 */
export function trustProxyOption(trust: AppConfig['trustProxy']): boolean | ((address: string, hop: number) => boolean) {
  if (typeof trust === 'number') return (_address: string, hop: number) => hop < trust;
  if (typeof trust === 'boolean') return trust;
  // Fastify asks on every `request.ip` and proxy-addr re-parses each address with ipaddr.js every
  // time (~4 µs a request here): remember the answer per address, which is all it depends on.
  // Bounded, since X-Forwarded-For entries are the client's to choose.
  const isProxy = proxyAddr.compile(trust);
  const known = new Map<string, boolean>();
  return (address: string) => {
    let trusted = known.get(address);
    if (trusted === undefined) {
      trusted = isProxy(address, 0);
      if (known.size >= 10_000) known.clear();
      known.set(address, trusted);
    }
    return trusted;
  };
}

const REQUEST_ID = /^[A-Za-z0-9._-]{1,128}$/;
const CROSS_SITE_REFUSED = 'Cross-site request refused: a browser request from an origin not in CORS_ORIGINS, without a bearer header';
const SUCCESS_DESCRIPTIONS: Record<string, string> = { 200: 'OK', 201: 'Created', 202: 'Accepted', 204: 'No content' };

/** Reuses a caller's X-Request-Id when it is sane, so one id follows a request across services. */
export function requestIdFor(req: IncomingMessage): string {
  const header = req.headers['x-request-id'];
  return typeof header === 'string' && REQUEST_ID.test(header) ? header : randomUUID();
}

/** What every response carries, set before anything else answers: from onRequest, and for the router's own refusals. */
function setResponseHeaders(request: FastifyRequest, reply: FastifyReply, securityHeaders: [string, string][]): void {
  reply.header('X-Request-Id', request.id);
  for (const [name, value] of securityHeaders) reply.header(name, value);
  // API responses are one user's data (or tokens): no browser or shared cache may keep them
  // (OWASP ASVS 8.2.1). The public, static API docs may be cached.
  if (!request.url.startsWith(DOCS_PREFIX)) reply.header('Cache-Control', 'no-store');
}

/** The HTTP server: Fastify (a minimal Nest app on it did 1.3–1.4x the Express one here, see BENCHMARKS.md). */
export function createFastifyAdapter(config: AppConfig): FastifyAdapter {
  const securityHeaders = helmetHeaders();
  const corsOrigins = new Set(config.corsOrigins);
  return new FastifyAdapter({
    // The router refuses a path it cannot decode or a parameter over its length limit before any
    // hook runs; Nest's fallback answered in Fastify's own JSON (400, 414), without the headers every
    // response carries. Neither path can name anything (no id is that long, no stored text undecodable):
    // the 404 problem every id route documents, as for an id that is not a UUID.
    frameworkErrors: (error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
      setResponseHeaders(request, reply, securityHeaders);
      if (answerCors(request, reply, corsOrigins)) return;
      const namesNothing = error.code === 'FST_ERR_BAD_URL' || error.code === 'FST_ERR_MAX_PARAM_LENGTH';
      const { problem, headers } = renderProblem(namesNothing ? notFound() : error);
      sendProblem(reply, problem, headers);
    },
    // Fastify's own answer to a request that reaches a closing server (pipelined, or on a busy
    // keep-alive connection) is a bare JSON 503 without the headers every response carries;
    // configureApp's onRequest hook answers it as the problem every other 503 is.
    return503OnClosing: false,
    trustProxy: trustProxyOption(config.trustProxy),
    bodyLimit: config.bodyLimitBytes,
    // `//api/auth/login`, `/api/auth/login/` and `/API/AUTH/LOGIN` are the same route, so they
    // share its throttle and cannot be used to get around it.
    routerOptions: { ignoreTrailingSlash: true, ignoreDuplicateSlashes: true, caseSensitive: false },
    genReqId: requestIdFor,
  });
}

interface DocumentedOperation {
  [PUBLIC_EXTENSION]?: boolean | typeof CREDENTIALS_OPTIONAL;
  [BODY_BY_MEDIA_TYPE]?: Record<string, string>;
  security?: unknown[];
  responses?: Record<string, unknown>;
  requestBody?: unknown;
  parameters?: { in: string; name: string; schema?: Record<string, unknown> }[];
}

export function buildOpenApiDocument(app: NestFastifyApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Nest Auth Stack API')
    .setDescription(
      'Auth-first API: register, sign in (OAuth2 password form or JSON), rotating refresh tokens with reuse detection, ' +
        'sessions, users and each user’s own tasks. Errors are RFC 9457 problem details. ' +
        'Authorize with email + password (OAuth2 password flow) or paste an access token (bearer). ' +
        'Every response carries the client IP’s budget in `X-RateLimit-Limit`, `X-RateLimit-Remaining` and `X-RateLimit-Reset` (seconds); ' +
        'routes under /api/auth also the stricter `-auth` variants (`X-RateLimit-Remaining-auth`, …). A 429 says when to retry in `Retry-After`.',
    )
    .setVersion('1.0.0')
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' }, 'bearer')
    .addOAuth2({ type: 'oauth2', flows: { password: { tokenUrl: '/api/auth/login', scopes: {} } } }, 'oauth2')
    // What a browser sends instead (set by register, login and refresh); Swagger UI cannot send it.
    .addCookieAuth(
      ACCESS_COOKIE,
      {
        type: 'apiKey',
        in: 'cookie',
        name: ACCESS_COOKIE,
        description:
          'The httpOnly cookie that register, login and refresh set. A browser sends it by itself; a value typed here is not sent (browsers forbid scripts a Cookie header), and Swagger UI’s Logout does not clear it: call POST /api/auth/logout.',
      },
      'cookie',
    )
    // Default-deny, documented: every operation needs one of the three, unless marked @Public().
    .addSecurityRequirements('bearer')
    .addSecurityRequirements('oauth2')
    .addSecurityRequirements('cookie')
    .build();
  const document = SwaggerModule.createDocument(app, config, {
    operationIdFactory: (controllerKey, methodKey) => `${controllerKey.replace(/Controller$/, '')}_${methodKey}`,
  });
  for (const operations of Object.values(document.paths)) {
    for (const [method, operation] of Object.entries(operations) as [string, DocumentedOperation][]) {
      if (typeof operation !== 'object' || !operation?.responses) continue;
      // @nestjs/swagger drops an empty per-operation `security`, yet `[]` is how OpenAPI says "no
      // auth needed" under a document-wide requirement: add it for routes marked @Public(). The
      // marker itself was only for this. An open route that reads credentials when sent lists an
      // empty requirement first and then the document's: optional, and Swagger UI sends its bearer.
      if (operation[PUBLIC_EXTENSION]) operation.security = operation[PUBLIC_EXTENSION] === CREDENTIALS_OPTIONAL ? [{}, ...(document.security ?? [])] : [];
      delete operation[PUBLIC_EXTENSION];
      // The global throttler guards every route: each may answer 429. A route that reads a body may
      // also meet malformed JSON, an oversized body or a foreign content type before validation.
      for (const status of operation.requestBody ? [400, 413, 415, 429] : [429]) operation.responses[status] ??= problemResponse(status);
      // The CSRF gate (JwtAuthGuard) answers an unsafe browser request from a foreign origin.
      if (UNSAFE_METHODS.has(method.toUpperCase())) {
        const refused = problemResponse(403, CROSS_SITE_REFUSED);
        const documented = operation.responses[403] as { description: string } | undefined;
        operation.responses[403] = documented ? { ...documented, description: `${documented.description}\n\n${CROSS_SITE_REFUSED}` } : refused;
      }
      for (const [status, response] of Object.entries(operation.responses) as [string, { description?: string }][]) {
        if (!response.description) response.description = SUCCESS_DESCRIPTIONS[status] ?? '';
      }
      // Bodies documented per media type (ApiBodyByMediaType): each media type gets its own schema.
      const byMediaType = operation[BODY_BY_MEDIA_TYPE];
      delete operation[BODY_BY_MEDIA_TYPE];
      const content = (operation.requestBody as { content?: Record<string, { schema?: { $ref?: string } }> } | undefined)?.content;
      if (byMediaType && content) for (const [media, $ref] of Object.entries(byMediaType)) content[media] = { schema: { $ref } };
      // Unknown body fields are refused (422): the request schemas say so.
      for (const media of Object.values(content ?? {})) {
        const name = media.schema?.$ref?.split('/').pop();
        const schema = name ? (document.components?.schemas?.[name] as Record<string, unknown> | undefined) : undefined;
        if (schema) schema.additionalProperties = false;
      }
      // Path ids are UUIDs (anything else names nothing: 404).
      for (const parameter of operation.parameters ?? []) {
        if (parameter.in === 'path' && parameter.name === 'id') parameter.schema = { ...parameter.schema, type: 'string', format: 'uuid' };
      }
    }
  }
  return document;
}

/**
 * helmet's headers, computed once. (@fastify/helmet builds a new helmet middleware, re-parsing the
 * CSP, for every request: ~10 % of the API's CPU per request in the benchmark.) Swagger UI needs
 * inline styles and data: images; nothing here serves third-party scripts.
 */
export function helmetHeaders(): [string, string][] {
  const headers = new Map<string, string>();
  const response = {
    setHeader: (name: string, value: string | number) => headers.set(name, String(value)),
    removeHeader: (name: string) => headers.delete(name),
  };
  helmet({
    contentSecurityPolicy: {
      directives: { defaultSrc: ["'self'"], styleSrc: ["'self'", "'unsafe-inline'"], imgSrc: ["'self'", 'data:'], scriptSrc: ["'self'"] },
    },
  })({} as IncomingMessage, response as unknown as ServerResponse, () => undefined);
  return [...headers];
}

const CORS_METHODS = 'GET,HEAD,POST,PUT,PATCH,DELETE';

/**
 * The response headers a browser app on an allowed origin may read. Outside CORS's short safelist a
 * script sees none: without this it could not wait out a 429's Retry-After, see its rate-limit
 * budget, tell an expired token (WWW-Authenticate) from a missing one, or quote a request id.
 */
const CORS_EXPOSED_HEADERS = [
  'Retry-After',
  'WWW-Authenticate',
  'X-Request-Id',
  ...['', '-auth'].flatMap((throttler) => ['Limit', 'Remaining', 'Reset'].map((part) => `X-RateLimit-${part}${throttler}`)),
  'Retry-After-auth',
].join(', ');

/**
 * CORS for the browser apps in CORS_ORIGINS, with credentials (the auth cookies). Written out rather
 * than `app.enableCors()`: @fastify/cors copies its options object and rebuilds Fastify's route
 * options on every request, ~7 % of the task list's CPU in the benchmark. Answers a preflight itself
 * (returns true), before routing to a guard that would refuse it for want of a token.
 */
export function answerCors(request: FastifyRequest, reply: FastifyReply, allowedOrigins: ReadonlySet<string>): boolean {
  const origin = request.headers.origin;
  const preflight = request.method === 'OPTIONS' && origin !== undefined && request.headers['access-control-request-method'] !== undefined;
  // The answer depends on these request headers: caches must not hand one origin's answer to another.
  reply.header('Vary', preflight ? 'Origin, Access-Control-Request-Headers' : 'Origin');
  if (origin === undefined) return false;
  const allowed = allowedOrigins.has(origin);
  if (allowed) {
    reply.header('Access-Control-Allow-Origin', origin);
    reply.header('Access-Control-Allow-Credentials', 'true');
  }
  if (!preflight) {
    if (allowed) reply.header('Access-Control-Expose-Headers', CORS_EXPOSED_HEADERS);
    return false;
  }
  if (allowed) {
    reply.header('Access-Control-Allow-Methods', CORS_METHODS);
    const requested = request.headers['access-control-request-headers'];
    if (requested !== undefined) reply.header('Access-Control-Allow-Headers', requested);
    reply.header('Access-Control-Max-Age', '600');
  }
  // A refused origin gets no Allow-* headers, which is how a browser learns it may not proceed.
  void reply.code(204).header('Content-Length', '0').send();
  return true;
}

/**
 * How long close() waits for handlers whose clients have already gone. main.ts gives the whole
 * shutdown 10 s; this leaves the pools the rest.
 */
const HANDLER_DRAIN_MS = 5_000;

const DOCS_PREFIX = '/api/docs';

/**
 * Handlers in flight, from onRequest until their reply is produced. Fastify's close() resolves
 * once the last socket has closed, but a handler whose client hung up is still running then, and
 * the shutdown hooks after close() end the database pool under it: its query fails, with a 500
 * nobody receives and an error in the log — and a registration that had hashed never commits.
 * close() (its onClose hook) waits for them too.
 */
class HandlersInFlight {
  private readonly counted = new WeakSet<FastifyRequest>();
  private count = 0;
  private drained: (() => void) | undefined;

  started(request: FastifyRequest): void {
    this.counted.add(request);
    this.count++;
  }

  finished(request: FastifyRequest): void {
    if (this.counted.delete(request) && --this.count === 0) this.drained?.();
  }

  async drain(maxMs: number): Promise<void> {
    if (this.count === 0) return;
    await new Promise<void>((resolve) => {
      this.drained = resolve;
      setTimeout(resolve, maxMs).unref();
    });
  }
}

/** Everything between "the module graph exists" and "listen": shared by main.ts and the test kit. */
export async function configureApp(app: NestFastifyApplication, config: AppConfig): Promise<void> {
  app.setGlobalPrefix('api');
  await app.register(fastifyCookie);
  const securityHeaders = helmetHeaders();
  const corsOrigins = new Set(config.corsOrigins);
  app.useGlobalPipes(createValidationPipe());

  const fastify = app.getHttpAdapter().getInstance();
  // The API speaks JSON (and forms on login only): without Fastify's built-in text/plain parser a
  // text body is 415 like every other foreign content type, instead of reaching validation.
  fastify.removeContentTypeParser('text/plain');
  // Every response's own headers, in one hook. One request id everywhere: Fastify's (from a sane
  // X-Request-Id or fresh), echoed to the client, bound to every line logged while handling the
  // request, and on its completion line.
  const handlers = new HandlersInFlight();
  let closing = false;
  fastify.addHook('preClose', (done) => {
    closing = true;
    done();
  });
  fastify.addHook('onRequest', (request, reply, done) => {
    handlers.started(request);
    setResponseHeaders(request, reply, securityHeaders);
    if (answerCors(request, reply, corsOrigins)) return;
    if (closing) {
      // Fastify has set `Connection: close`: the client retries on a new connection, which a load
      // balancer sends to another instance.
      const { problem, headers } = renderProblem(new ProblemException(503, 'This instance is shutting down. Please try again.'));
      return sendProblem(reply, problem, headers);
    }
    done();
  });
  // From preHandler on (after the body is read: body events would not carry the context), every
  // line logged for this request — guards, services, the problem filter — carries its reqId (the
  // logger's mixin reads it), and PinoLogger#assign() has nestjs-pino's request scope to add to.
  const requestScope = await app.resolve(PinoLogger);
  fastify.addHook('preHandler', (request, _reply, done) => {
    requestIds.run(request.id, () => requestScope.runInContext(done));
  });
  // Every reply passes onSend, also one written to a socket the client has closed.
  fastify.addHook('onSend', (request, _reply, payload, done) => {
    handlers.finished(request);
    done(null, payload);
  });
  fastify.addHook('onClose', () => handlers.drain(HANDLER_DRAIN_MS));
  // The completion line: 5xx at error, 4xx at warn, the rest at info — built only when that level
  // is enabled. The query string is left out: it is where tokens end up when clients misbehave.
  fastify.addHook('onResponse', (request, reply, done) => {
    // Already counted off in onSend; here too for a reply that bypasses onSend (counted once either way).
    handlers.finished(request);
    const status = reply.statusCode;
    const level = status >= 500 ? 'error' : status >= 400 ? 'warn' : 'info';
    const root = PinoLogger.root;
    if (root?.isLevelEnabled(level)) {
      const path = request.url.split('?', 1)[0];
      // Flat fields: pino-http's serializers on the root logger own the `req` and `res` keys.
      root[level]({ reqId: request.id, method: request.method, url: path, ip: request.ip, statusCode: status, responseTime: Math.round(reply.elapsedTime * 10) / 10 }, 'request completed');
    }
    done();
  });

  const document = buildOpenApiDocument(app);
  SwaggerModule.setup(DOCS_PREFIX.slice(1), app, document, {
    jsonDocumentUrl: `${DOCS_PREFIX.slice(1)}-json`,
    customSiteTitle: 'Nest Auth Stack API',
    swaggerOptions: { persistAuthorization: true, displayRequestDuration: true },
  });
}
