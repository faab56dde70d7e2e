import { createTestApp, type TestAgent, type TestApp } from './kit/index.js';

type Schema = { $ref?: string; type?: string; format?: string; example?: unknown; default?: unknown; enum?: unknown[]; minLength?: number; maxLength?: number; minimum?: number; readOnly?: boolean; properties?: Record<string, Schema>; items?: Schema };
type MediaType = { schema?: Schema; example?: unknown; examples?: Record<string, { value: unknown }> };

/**
 * The body Swagger UI 5 prefills for a media type when "Try it out" is pressed (its JSON Schema 5
 * sample generator): the media type's first example, else each property's `example`, `default`,
 * first `enum` value, or a placeholder for its type and format, padded to `minLength`.
 */
function swaggerUiSample(media: MediaType, schemas: Record<string, Schema>): unknown {
  if (media.examples) return Object.values(media.examples)[0].value;
  if (media.example !== undefined) return media.example;
  const sample = (schema: Schema): unknown => {
    if (schema.$ref) return sample(schemas[schema.$ref.split('/').pop()!]);
    if (schema.example !== undefined) return schema.example;
    if (schema.default !== undefined) return schema.default;
    if (schema.enum) return schema.enum[0];
    switch (schema.type) {
      case 'object':
        return Object.fromEntries(Object.entries(schema.properties ?? {}).filter(([, p]) => !p.readOnly).map(([name, p]) => [name, sample(p)]));
      case 'array':
        return [sample(schema.items ?? {})];
      case 'integer':
      case 'number':
        return schema.minimum ?? 0;
      case 'boolean':
        return true;
      default: {
        const placeholder = { email: 'user@example.com', uuid: '3fa85f64-5717-4562-b3fc-2c963f66afa6', date: new Date().toISOString().slice(0, 10), 'date-time': new Date().toISOString() }[schema.format ?? ''] ?? 'string';
        return placeholder.padEnd(schema.minLength ?? 0, placeholder).slice(0, schema.maxLength ?? Infinity);
      }
    }
  };
  return sample(media.schema ?? {});
}


/** The routes of ../shared/API.md, plus the admin audit trail: the OpenAPI document must list exactly these. */
const CONTRACT: Record<string, string[]> = {
  '/api/auth/register': ['post'],
  '/api/auth/login': ['post'],
  '/api/auth/refresh': ['post'],
  '/api/auth/logout': ['post'],
  '/api/auth/logout-all': ['post'],
  '/api/auth/me': ['get'],
  '/api/auth/sessions': ['get'],
  '/api/auth/sessions/{id}': ['delete'],
  '/api/auth/change-password': ['post'],
  '/api/auth/forgot-password': ['post'],
  '/api/auth/reset-password': ['post'],
  '/api/users/me': ['get', 'patch', 'delete'],
  '/api/users': ['get'],
  '/api/users/{id}': ['get', 'patch'],
  '/api/tasks': ['get', 'post'],
  '/api/tasks/{id}': ['get', 'patch', 'delete'],
  '/api/stats': ['get'],
  '/api/health': ['get'],
  '/api/admin/auth-events': ['get'],
  // generate:resource routes
};
const PUBLIC = ['post /api/auth/register', 'post /api/auth/login', 'post /api/auth/refresh', 'post /api/auth/logout', 'post /api/auth/forgot-password', 'post /api/auth/reset-password', 'get /api/health'];
// Every operation behind @Roles('admin'), and no other: the reviewed list of what only admins reach.
const ADMIN = ['get /api/users', 'get /api/users/{id}', 'patch /api/users/{id}', 'get /api/admin/auth-events'];

type Operation = { security?: Record<string, unknown>[]; parameters?: { in: string; name: string; schema?: Schema }[]; 'x-required-roles'?: string[]; responses: Record<string, { content?: Record<string, unknown> }>; requestBody?: { content: Record<string, MediaType>; required?: boolean } };

describe('OpenAPI document and Swagger UI', () => {
  let t: TestApp;
  let doc: { openapi: string; paths: Record<string, Record<string, Operation>>; components: { securitySchemes: Record<string, any> }; security: unknown[] };
  beforeAll(async () => {
    t = await createTestApp();
    doc = (await t.http().get('/api/docs-json').expect(200)).body;
  });
  afterAll(() => t.close());

  it('is OpenAPI 3 and describes exactly the contract’s routes', () => {
    expect(doc.openapi).toMatch(/^3\./);
    const documented = Object.fromEntries(Object.entries(doc.paths).map(([path, ops]) => [path, Object.keys(ops).sort()]));
    expect(documented).toEqual(Object.fromEntries(Object.entries(CONTRACT).map(([p, m]) => [p, [...m].sort()])));
  });

  it('requires bearer, OAuth2 or the access_token cookie everywhere except the public routes, which say so', () => {
    expect(doc.security).toEqual([{ bearer: [] }, { oauth2: [] }, { cookie: [] }]);
    expect(doc.components.securitySchemes.cookie).toEqual({ type: 'apiKey', in: 'cookie', name: 'access_token', description: expect.stringMatching(/httpOnly[\s\S]*not sent[\s\S]*POST \/api\/auth\/logout/) });
    expect(doc.components.securitySchemes.oauth2.flows.password.tokenUrl).toBe('/api/auth/login');
    expect(doc.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
    for (const [path, ops] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        const key = `${method} ${path}`;
        // Sign-out is open, yet ends the session of a bearer it is sent: its schemes are optional.
        if (key === 'post /api/auth/logout') expect({ key, security: op.security }).toEqual({ key, security: [{}, ...doc.security] });
        else if (PUBLIC.includes(key)) expect({ key, security: op.security }).toEqual({ key, security: [] });
        else expect({ key, security: op.security }).toEqual({ key, security: undefined });
      }
    }
  });

  it('documents the admin requirement on exactly the admin routes (x-required-roles and 403)', () => {
    const restricted = Object.entries(doc.paths).flatMap(([path, ops]) => Object.entries(ops).filter(([, op]) => op['x-required-roles']).map(([method]) => `${method} ${path}`));
    expect(restricted.sort()).toEqual([...ADMIN].sort());
    for (const key of ADMIN) {
      const [method, path] = key.split(' ');
      const op = doc.paths[path][method];
      expect({ key, roles: op['x-required-roles'] }).toEqual({ key, roles: ['admin'] });
      expect(op.responses['403']).toBeDefined();
    }
  });

  it('resolves every $ref inside the document', () => {
    const refs = [...JSON.stringify(doc).matchAll(/"\$ref":"#\/components\/schemas\/([^"]+)"/g)].map((m) => m[1]);
    expect(refs).toContain('ProblemResponse');
    const schemas = (doc.components as { schemas?: Record<string, unknown> }).schemas ?? {};
    expect([...new Set(refs)].filter((name) => !(name in schemas))).toEqual([]);
  });

  it('documents every error response as application/problem+json, what the server sends', () => {
    for (const [path, ops] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        for (const [status, response] of Object.entries(op.responses)) {
          if (Number(status) < 400) continue;
          expect({ at: `${method} ${path} ${status}`, types: Object.keys(response.content ?? {}) }).toEqual({ at: `${method} ${path} ${status}`, types: ['application/problem+json'] });
        }
      }
    }
  });

  it('documents login as form or JSON, each with its own fields, and the refresh token body as optional (the cookie suffices)', () => {
    const login = doc.paths['/api/auth/login'].post;
    expect(Object.keys(login.requestBody!.content).sort()).toEqual(['application/json', 'application/x-www-form-urlencoded']);
    expect(login.requestBody!.required).toBe(true);
    const schemas = (doc.components as unknown as { schemas: Record<string, { properties: Record<string, unknown>; required?: string[]; additionalProperties?: boolean }> }).schemas;
    const bodyOf = (media: string) => schemas[(login.requestBody!.content[media] as { schema: { $ref: string } }).schema.$ref.split('/').pop()!];
    // JSON is API.md's `{ email, password }`; the form is OAuth 2.0's password grant, as Swagger's Authorize sends it.
    const json = bodyOf('application/json');
    expect({ fields: Object.keys(json.properties).sort(), required: [...(json.required ?? [])].sort(), additionalProperties: json.additionalProperties }).toEqual({ fields: ['email', 'password'], required: ['email', 'password'], additionalProperties: false });
    const form = bodyOf('application/x-www-form-urlencoded');
    expect({ fields: Object.keys(form.properties).sort(), required: [...(form.required ?? [])].sort(), additionalProperties: form.additionalProperties }).toEqual({
      fields: ['client_id', 'client_secret', 'grant_type', 'password', 'scope', 'username'],
      required: ['password', 'username'],
      additionalProperties: false,
    });
    expect(login).not.toHaveProperty(['x-body-by-media-type']);
    for (const path of ['/api/auth/refresh', '/api/auth/logout']) expect({ path, required: doc.paths[path].post.requestBody!.required }).toEqual({ path, required: false });
  });

  it('says every operation may answer 429 (the global throttler) and every body 400/413/415, path ids are UUIDs, and leaves no internal marker', () => {
    for (const [path, ops] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        expect({ at: `${method} ${path}`, throttled: '429' in op.responses }).toEqual({ at: `${method} ${path}`, throttled: true });
        if (op.requestBody) {
          expect({ at: `${method} ${path}`, body: ['400', '413', '415'].filter((s) => s in op.responses) }).toEqual({ at: `${method} ${path}`, body: ['400', '413', '415'] });
        }
        expect(op).not.toHaveProperty(['x-public']);
        const ids = ((op as unknown as { parameters?: { in: string; name: string; schema: { format?: string } }[] }).parameters ?? []).filter((p) => p.in === 'path' && p.name === 'id');
        for (const id of ids) expect({ at: `${method} ${path}`, format: id.schema.format }).toEqual({ at: `${method} ${path}`, format: 'uuid' });
      }
    }
    expect(JSON.stringify(doc.paths['/api/tasks/{id}'])).toContain('"format":"uuid"');
  });

  it('documents the CSRF gate’s 403 on every unsafe operation, and a description on every response', () => {
    for (const [path, ops] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        if (method !== 'get') expect({ at: `${method} ${path}`, csrf: (op.responses['403'] as { description?: string } | undefined)?.description }).toEqual({ at: `${method} ${path}`, csrf: expect.stringMatching(/Cross-site request refused/) });
        for (const [status, response] of Object.entries(op.responses)) expect({ at: `${method} ${path} ${status}`, described: Boolean((response as { description?: string }).description) }).toEqual({ at: `${method} ${path} ${status}`, described: true });
      }
    }
    // An admin route keeps its own reasons beside the CSRF one.
    expect((doc.paths['/api/users/{id}'].patch.responses['403'] as { description: string }).description).toMatch(/Requires role: admin[\s\S]*own role[\s\S]*Cross-site/);
  });

  it('documents the headers API.md promises: Set-Cookie on sign-in and sign-out, WWW-Authenticate on 401, Retry-After on 429', () => {
    type Described = { headers?: Record<string, { description: string }> };
    for (const [path, status] of [['/api/auth/register', '201'], ['/api/auth/login', '200'], ['/api/auth/refresh', '200'], ['/api/auth/logout', '200'], ['/api/auth/logout-all', '200']] as const) {
      expect({ path, header: Object.keys((doc.paths[path].post.responses[status] as Described).headers ?? {}) }).toEqual({ path, header: ['Set-Cookie'] });
    }
    for (const [path, ops] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        const at = `${method} ${path}`;
        expect({ at, retryAfter: Boolean((op.responses['429'] as Described).headers?.['Retry-After']) }).toEqual({ at, retryAfter: true });
        if (op.responses['401']) expect({ at, wwwAuthenticate: Boolean((op.responses['401'] as Described).headers?.['WWW-Authenticate']) }).toEqual({ at, wwwAuthenticate: true });
      }
    }
  });

  it('closes every request body schema to unknown fields (they are a 422) and types counts as integers', () => {
    const schemas = (doc.components as unknown as { schemas: Record<string, { additionalProperties?: boolean; properties: Record<string, { type?: string }> }> }).schemas;
    for (const name of ['RegisterDto', 'LoginJsonDto', 'LoginFormDto', 'RefreshDto', 'ChangePasswordDto', 'UpdateMeDto', 'DeleteMeDto', 'AdminUpdateUserDto', 'CreateTaskDto', 'UpdateTaskDto']) {
      expect({ name, additionalProperties: schemas[name]?.additionalProperties }).toEqual({ name, additionalProperties: false });
    }
    expect(schemas.UserResponse.additionalProperties).toBeUndefined();
    for (const [name, field] of [['TaskListResponse', 'total'], ['UserListResponse', 'offset'], ['TokensResponse', 'expires_in'], ['TaskStatsResponse', 'overdue'], ['ProblemResponse', 'status']]) {
      expect({ name, field, type: schemas[name].properties[field].type }).toEqual({ name, field, type: 'integer' });
    }
    // Every page's counts, those of a module generate:resource added among them.
    for (const [name, schema] of Object.entries(schemas)) {
      for (const field of ['total', 'limit', 'offset'].filter((f) => f in (schema.properties ?? {}))) {
        expect({ name, field, type: schema.properties[field].type }).toEqual({ name, field, type: 'integer' });
      }
    }
  });

  it('states the limits the validation enforces on credentials and emails', () => {
    const schemas = (doc.components as unknown as { schemas: Record<string, { properties: Record<string, { format?: string; minLength?: number; maxLength?: number }> }> }).schemas;
    expect(schemas.RegisterDto.properties.email).toMatchObject({ format: 'email', maxLength: 320 });
    expect(schemas.UpdateMeDto.properties.email).toMatchObject({ format: 'email', maxLength: 320 });
    expect(schemas.ForgotPasswordDto.properties.email).toMatchObject({ format: 'email', maxLength: 320 });
    for (const login of [schemas.LoginJsonDto, schemas.LoginFormDto]) expect(login.properties.password).toMatchObject({ minLength: 1, maxLength: 1024 });
    expect(schemas.LoginJsonDto.properties.email).toMatchObject({ maxLength: 320 });
    expect(schemas.LoginFormDto.properties.username).toMatchObject({ maxLength: 320 });
    expect(schemas.ChangePasswordDto.properties.currentPassword).toMatchObject({ minLength: 1, maxLength: 1024 });
    expect(schemas.DeleteMeDto.properties.password).toMatchObject({ minLength: 1, maxLength: 1024 });
    expect(schemas.RefreshDto.properties.refresh_token).toMatchObject({ minLength: 1, maxLength: 512 });
    expect(schemas.ResetPasswordDto.properties.token).toMatchObject({ minLength: 1, maxLength: 512 });
    expect(schemas.UpdateMeDto.properties.name).toMatchObject({ minLength: 1, maxLength: 100 });
  });

  it('types limit and offset as integers', () => {
    const params = (doc.paths['/api/tasks'].get as unknown as { parameters: { name: string; schema: { type: string } }[] }).parameters;
    expect(params.filter((p) => p.name === 'limit' || p.name === 'offset').map((p) => [p.name, p.schema.type])).toEqual([
      ['limit', 'integer'],
      ['offset', 'integer'],
    ]);
  });

  /** The operations whose prefilled example cannot succeed, with the status it gets and why; every other one must succeed. */
  const EXAMPLE_FAILS: Record<string, [number, string]> = {
    'post /api/auth/change-password': [401, 'the example cannot know the current password'],
    'delete /api/users/me': [401, 'the example cannot know the password'],
    'post /api/auth/reset-password': [400, 'the example token is not one a reset mail carried'],
  };

  it('answers the body Swagger UI prefills, sent as Swagger UI sends it after Authorize, with the documented success (or the one expected, documented failure) for every operation and media type', async () => {
    const schemas = (doc.components as unknown as { schemas: Record<string, Schema> }).schemas;
    const origin = `http://localhost:${t.config.port}`;
    // The account of the examples: register's example creates it, the login examples sign it in.
    const account = swaggerUiSample(doc.paths['/api/auth/register'].post.requestBody!.content['application/json'], schemas) as { email: string; password: string };
    const admin = await t.createUser({ role: 'admin' });
    const operations = Object.entries(doc.paths).flatMap(([path, ops]) => Object.entries(ops).flatMap(([method, op]) => Object.keys(op.requestBody?.content ?? { none: {} }).map((media) => ({ path, method, op, media }))));
    // Register first: before it, the examples' account does not exist.
    operations.sort((a, b) => Number(b.path === '/api/auth/register') - Number(a.path === '/api/auth/register'));
    const outcomes: unknown[] = [];
    const expected: unknown[] = [];
    for (const { path, method, op, media } of operations) {
      const at = `${method} ${path}${op.requestBody ? ` ${media}` : ''}`;
      // A browser that pressed Authorize (the password flow, which also sets the cookies), fresh for each operation.
      const browser: TestAgent = t.http();
      let accessToken: string | undefined;
      if (path !== '/api/auth/register') {
        const credentials = op['x-required-roles'] ? admin : account;
        const signIn = await browser.post('/api/auth/login').type('form').send({ grant_type: 'password', username: credentials.email, password: credentials.password }).expect(200);
        accessToken = signIn.body.access_token as string;
      }
      const ids: Record<string, string> = {};
      if (path === '/api/users/{id}') ids.id = (await t.signIn(account)).id;
      // An owned resource's item (tasks, and any module generate:resource adds): one its collection's
      // own example creates, as a Swagger UI user would before trying the item's operations.
      const collection = /^(.*)\/\{id\}$/.exec(path)?.[1];
      const create = collection === undefined || path === '/api/users/{id}' ? undefined : doc.paths[collection]?.post;
      if (create?.requestBody) {
        const body = swaggerUiSample(create.requestBody.content['application/json'], schemas) as object;
        ids.id = (await t.bearer(accessToken!).post(collection!).send(body).expect(201)).body.id as string;
      }
      if (path === '/api/auth/sessions/{id}') {
        const other = await t.signIn(account);
        ids.id = ((await t.bearer(other.accessToken).get('/api/auth/sessions').expect(200)).body as { id: string; current: boolean }[]).find((s) => s.current)!.id;
      }
      // Swagger UI fills path parameters from what the user typed and query parameters with their defaults.
      const url = path.replace(/\{(\w+)\}/g, (_, name: string) => ids[name]);
      const query = Object.fromEntries((op.parameters ?? []).filter((p) => p.in === 'query' && p.schema?.default !== undefined).map((p) => [p.name, String(p.schema!.default)]));
      let req = browser[method as 'get'](url).query(query).set('Origin', origin).set('Sec-Fetch-Site', 'same-origin');
      // It sends the bearer wherever the operation's security (or the document's) names a scheme it holds.
      if (accessToken && (op.security ?? doc.security).some((requirement) => 'bearer' in (requirement as object) || 'oauth2' in (requirement as object))) req = req.set('Authorization', `Bearer ${accessToken}`);
      if (op.requestBody) req = req.type(media === 'application/json' ? 'json' : 'form').send(swaggerUiSample(op.requestBody.content[media], schemas) as object);
      const res = await req;
      const success = Object.keys(op.responses).find((status) => status.startsWith('2'))!;
      const status = EXAMPLE_FAILS[`${method} ${path}`]?.[0] ?? Number(success);
      const mediaTypes = (status: number) => Object.keys(op.responses[status]?.content ?? {});
      outcomes.push({ at, status: res.status, documented: String(res.status) in op.responses, type: res.status === 204 ? undefined : res.headers['content-type']?.split(';')[0], types: mediaTypes(res.status) });
      expected.push({ at, status, documented: true, type: status === 204 ? undefined : mediaTypes(status)[0], types: mediaTypes(status) });
    }
    expect(outcomes).toEqual(expected);
  });

  it('ends the Authorize session when Swagger UI signs out: sign-out is open, but its security names the bearer, so Swagger UI sends it', async () => {
    const user = await t.signUp();
    const logout = doc.paths['/api/auth/logout'].post;
    // Swagger UI attaches a pasted token only to operations whose security names its scheme.
    const sendsBearer = (logout.security ?? doc.security).some((requirement) => 'bearer' in (requirement as object));
    const schemas = (doc.components as unknown as { schemas: Record<string, Schema> }).schemas;
    let req = t.http().post('/api/auth/logout').set('Origin', `http://localhost:${t.config.port}`).set('Sec-Fetch-Site', 'same-origin');
    if (sendsBearer) req = req.set('Authorization', `Bearer ${user.accessToken}`);
    await req.send(swaggerUiSample(logout.requestBody!.content['application/json'], schemas) as object).expect(200);
    await t.bearer(user.accessToken).get('/api/auth/me').expect(401);
  });

  it('serves Swagger UI at /api/docs, whose password flow logs in with email + password', async () => {
    const ui = await t.http().get('/api/docs').redirects(1).expect(200);
    expect(ui.text).toMatch(/swagger-ui/i);
    const user = await t.createUser();
    // What Swagger UI's Authorize dialog posts for the OAuth2 password flow.
    const res = await t
      .http()
      .post('/api/auth/login')
      .type('form')
      .send({ grant_type: 'password', username: user.email, password: user.password, scope: '' })
      .expect(200);
    await t.bearer(res.body.access_token).get('/api/auth/me').expect(200);
  });
});
