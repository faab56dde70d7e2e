import { cookieValue, createTestApp, uniqueEmail, type TestApp } from './kit/index.js';

const ARGON2 = /\$argon2/;

describe('Auth: register, login, me, logout', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  describe('POST /api/auth/register', () => {
    it('creates the user, answers 201 with the User (never a hash) and sets both cookies', async () => {
      const email = uniqueEmail();
      const res = await t.http().post('/api/auth/register').send({ email, password: 'correct horse 1', name: 'Ada' }).expect(201);
      expect(res.body).toEqual({
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        email,
        name: 'Ada',
        role: 'user',
        isActive: true,
        createdAt: expect.any(String),
        updatedAt: expect.any(String),
      });
      expect(JSON.stringify(res.body)).not.toMatch(ARGON2);
      const cookies = res.headers['set-cookie'] as unknown as string[];
      const access = cookies.find((c) => c.startsWith('access_token='))!;
      const refresh = cookies.find((c) => c.startsWith('refresh_token='))!;
      expect(access).toMatch(/HttpOnly/);
      expect(access).toMatch(/SameSite=Lax/);
      expect(access).toMatch(/Path=\/(;|$)/);
      expect(access).toMatch(/Max-Age=1800/);
      expect(access).not.toMatch(/Secure/); // ENVIRONMENT=test: Secure only in production
      expect(refresh).toMatch(/HttpOnly/);
      expect(refresh).toMatch(/Path=\/api\/auth/);
      expect(refresh).toMatch(/Max-Age=60479\d/);
    });

    it('stores the email lower-cased and refuses the same email in another case with 409', async () => {
      const email = uniqueEmail('Case');
      await t.http().post('/api/auth/register').send({ email: email.toUpperCase(), password: 'password-1' }).expect(201);
      const res = await t.http().post('/api/auth/register').send({ email, password: 'password-2' }).expect(409);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(res.body).toMatchObject({ type: 'about:blank', title: 'Conflict', status: 409, detail: 'Email already registered' });
      const [{ count }] = await t.db.query('SELECT count(*)::int AS count FROM users WHERE email = $1', [email.toLowerCase()]);
      expect(count).toBe(1);
    });

    it('stores the email in composed Unicode (NFC): an accent typed as a combining mark is the same account, for sign-up and sign-in', async () => {
      const local = uniqueEmail('jose').split('@')[0];
      const composed = `${local}-jos\u00e9@example.com`; // é as one code point
      const decomposed = `${local}-jose\u0301@example.com`; // e + COMBINING ACUTE ACCENT: looks the same
      const created = await t.http().post('/api/auth/register').send({ email: decomposed, password: 'password-1' }).expect(201);
      expect(created.body.email).toBe(composed);
      await t.http().post('/api/auth/register').send({ email: composed, password: 'password-2' }).expect(409);
      await t.http().post('/api/auth/login').send({ email: composed, password: 'password-1' }).expect(200);
      await t.http().post('/api/auth/login').send({ email: decomposed.toUpperCase(), password: 'password-1' }).expect(200);
      const [{ count }] = await t.db.query('SELECT count(*)::int AS count FROM users WHERE email LIKE $1', [`${local}-%`]);
      expect(count).toBe(1);
    });

    it('rejects invalid fields with 422 and a field error for each, creating nothing', async () => {
      const res = await t.http().post('/api/auth/register').send({ email: 'not-an-email', password: 'short' }).expect(422);
      expect(res.body.status).toBe(422);
      const fields = res.body.errors.map((e: { field: string }) => e.field).sort();
      expect(fields).toEqual(['email', 'password']);
      const [{ count }] = await t.db.query(`SELECT count(*)::int AS count FROM users WHERE email = 'not-an-email'`);
      expect(count).toBe(0);
    });

    it('rejects unknown fields (no mass assignment of role)', async () => {
      const email = uniqueEmail();
      const res = await t.http().post('/api/auth/register').send({ email, password: 'password-1', role: 'admin' }).expect(422);
      expect(res.body.errors).toEqual([{ field: 'role', message: 'This field is not allowed.' }]);
      expect(await t.db.query('SELECT 1 FROM users WHERE email = $1', [email])).toHaveLength(0);
    });

    it.each([
      ['email', { email: 'a\ud800b@example.com', password: 'password-1' }],
      ['password', { email: 'lone-surrogate@example.com', password: 'password-\ud800' }],
      ['name', { email: 'lone-surrogate@example.com', password: 'password-1', name: 'x\udc00y' }],
    ])('refuses a lone UTF-16 surrogate in the %s with 422, creating nothing (never a 500, never a silent U+FFFD)', async (field, body) => {
      const res = await t.http().post('/api/auth/register').send(body).expect(422);
      expect(res.body.errors).toEqual([{ field, message: 'Text must be well-formed Unicode (no unpaired surrogates).' }]);
      expect(await t.db.query(`SELECT 1 FROM users WHERE email LIKE 'a%b@example.com' OR email = 'lone-surrogate@example.com'`)).toHaveLength(0);
    });

    it('answers a body nested 20 000 arrays deep with 422 before any work, never a stack overflow', async () => {
      const deep = `${'['.repeat(20_000)}${']'.repeat(20_000)}`;
      for (const path of ['/api/auth/register', '/api/auth/login']) {
        const res = await t.http().post(path).set('Content-Type', 'application/json').send(`{"email":${deep},"password":"password-1"}`).expect(422);
        expect(res.body.errors).toEqual([{ field: expect.stringMatching(/^email(\.0)+$/), message: 'Values may not nest more than 32 levels deep.' }]);
      }
    });

    it('counts password length in characters (8–128 code points), never truncating', async () => {
      const emoji128 = '🔐'.repeat(128); // 256 UTF-16 units, 128 characters
      await t.http().post('/api/auth/register').send({ email: uniqueEmail(), password: emoji128 }).expect(201);
      await t.http().post('/api/auth/register').send({ email: uniqueEmail(), password: 'a'.repeat(129) }).expect(422);
      await t.http().post('/api/auth/register').send({ email: uniqueEmail(), password: '1234567' }).expect(422);
      // A 128-character password and its 127-character prefix are different passwords.
      const long = `${'x'.repeat(127)}y`;
      const user = await t.signUp({ password: long });
      await t.http().post('/api/auth/login').send({ email: user.email, password: long.slice(0, 127) }).expect(401);
      await t.http().post('/api/auth/login').send({ email: user.email, password: long }).expect(200);
    });

    it('answers malformed JSON with 400 and a foreign content type with 415', async () => {
      const bad = await t.http().post('/api/auth/register').set('Content-Type', 'application/json').send('{"email": ').expect(400);
      const invalidJson = 'The request body is not valid JSON, or uses a reserved key (__proto__, constructor.prototype).';
      expect(bad.body).toMatchObject({ status: 400, detail: invalidJson });
      // Prototype poisoning is refused by the parser, before anything could merge it.
      for (const poisoned of ['{"__proto__": {"role": "admin"}, "email": "p@example.com", "password": "password-1"}', '{"constructor": {"prototype": {"role": "admin"}}, "email": "p@example.com", "password": "password-1"}']) {
        expect((await t.http().post('/api/auth/register').set('Content-Type', 'application/json').send(poisoned).expect(400)).body.detail).toBe(invalidJson);
      }
      expect(await t.db.query(`SELECT 1 FROM users WHERE email = 'p@example.com'`)).toHaveLength(0);
      const foreign = await t.http().post('/api/auth/register').set('Content-Type', 'text/plain').send('hello').expect(415);
      expect(foreign.headers['content-type']).toMatch(/application\/problem\+json/);
    });
  });

  describe('POST /api/auth/login', () => {
    it('accepts JSON {email, password} and returns the OAuth2 token response and cookies', async () => {
      const user = await t.createUser();
      const res = await t.http().post('/api/auth/login').send({ email: user.email, password: user.password }).expect(200);
      expect(res.body).toEqual({
        access_token: expect.any(String),
        refresh_token: expect.any(String),
        token_type: 'bearer',
        expires_in: 1800,
        user: expect.objectContaining({ id: user.id, email: user.email, role: 'user' }),
      });
      expect(res.headers['cache-control']).toBe('no-store');
      expect(cookieValue(res.headers['set-cookie'], 'access_token')).toBe(res.body.access_token);
      expect(cookieValue(res.headers['set-cookie'], 'refresh_token')).toBe(res.body.refresh_token);
      const claims = JSON.parse(Buffer.from(res.body.access_token.split('.')[1], 'base64url').toString());
      expect(claims).toEqual({
        sub: user.id,
        sid: expect.any(String),
        email: user.email,
        role: 'user',
        type: 'access',
        iat: expect.any(Number),
        exp: expect.any(Number),
        jti: expect.any(String),
        iss: t.config.jwt.issuer,
        aud: t.config.jwt.audience,
      });
      expect(claims.exp - claims.iat).toBe(1800);
    });

    it('accepts the OAuth2 password form (username, grant_type, scope, client_id ignored)', async () => {
      const user = await t.createUser();
      const res = await t
        .http()
        .post('/api/auth/login')
        .type('form')
        .send({ username: user.email.toUpperCase(), password: user.password, grant_type: 'password', scope: '', client_id: 'swagger' })
        .expect(200);
      expect(res.body.token_type).toBe('bearer');
    });

    it('gives unknown email and wrong password the same 401 problem', async () => {
      const user = await t.createUser();
      const wrong = await t.http().post('/api/auth/login').send({ email: user.email, password: 'wrong password' }).expect(401);
      const unknown = await t.http().post('/api/auth/login').send({ email: uniqueEmail('ghost'), password: 'wrong password' }).expect(401);
      expect(wrong.body).toEqual(unknown.body);
      expect(wrong.body.detail).toBe('Incorrect email or password');
      expect(wrong.headers['www-authenticate']).toBe('Bearer');
    });

    it.each([
      ['no email', { password: 'password-1' }, 'email'],
      ['a null email', { email: null, password: 'password-1' }, 'email'],
      ['a numeric email', { email: 123, password: 'password-1' }, 'email'],
      ['an empty email', { email: '', password: 'password-1' }, 'email'],
      ['the form’s username instead of an email', { username: 'ada@example.com', password: 'password-1' }, 'username'],
      ['a form field beside a valid email', { email: 'ada@example.com', password: 'password-1', grant_type: 'password' }, 'grant_type'],
      ['a null password', { email: 'ada@example.com', password: null }, 'password'],
    ])('refuses a JSON body with %s with 422 and a field error, signing nobody in', async (_case, body, field) => {
      const res = await t.http().post('/api/auth/login').send(body);
      expect(res.status).toBe(422);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
      expect(res.headers['set-cookie']).toBeUndefined();
    });

    it.each([
      ['no username', { password: 'password-1' }, 'username'],
      ['the JSON body’s email instead of a username', { email: 'ada@example.com', password: 'password-1' }, 'email'],
      ['another grant type', { username: 'ada@example.com', password: 'password-1', grant_type: 'client_credentials' }, 'grant_type'],
    ])('refuses a form with %s with 422 and a field error, signing nobody in', async (_case, body, field) => {
      const res = await t.http().post('/api/auth/login').type('form').send(body);
      expect(res.status).toBe(422);
      expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
      expect(res.headers['set-cookie']).toBeUndefined();
    });

    it('takes each media type’s fields only: a body carrying the other one’s is refused, even with the right password', async () => {
      const user = await t.createUser();
      await t.http().post('/api/auth/login').send({ username: user.email, password: user.password }).expect(422);
      await t.http().post('/api/auth/login').type('form').send({ email: user.email, password: user.password }).expect(422);
      await t.http().post('/api/auth/login').send({ email: user.email, password: user.password }).expect(200);
      await t.http().post('/api/auth/login').type('form').send({ username: user.email, password: user.password }).expect(200);
    });

    it('says once that the email (or the form’s username) is missing, and not that it is too long', async () => {
      const json = await t.http().post('/api/auth/login').send({ password: 'password-1' }).expect(422);
      expect(json.body.errors).toEqual([{ field: 'email', message: 'email is required' }]);
      const form = await t.http().post('/api/auth/login').type('form').send({ password: 'password-1' }).expect(422);
      expect(form.body.errors).toEqual([{ field: 'username', message: 'username is required' }]);
    });

    it('spends comparable time on an unknown email as on a wrong password (dummy hash)', async () => {
      const user = await t.createUser();
      const time = async (email: string) => {
        const start = process.hrtime.bigint();
        await t.http().post('/api/auth/login').send({ email, password: 'wrong password' }).expect(401);
        return Number(process.hrtime.bigint() - start) / 1e6;
      };
      const known: number[] = [];
      const unknown: number[] = [];
      for (let i = 0; i < 5; i += 1) {
        known.push(await time(user.email));
        unknown.push(await time(uniqueEmail('ghost')));
      }
      const median = (xs: number[]) => xs.sort((a, b) => a - b)[2];
      // Without the dummy verify the unknown email would answer in ~1 ms against ~20+ ms.
      expect(median(unknown)).toBeGreaterThan(median(known) * 0.5);
    });

    it('rejects a form body on JSON-only routes with 415', async () => {
      await t.http().post('/api/auth/register').type('form').send({ email: uniqueEmail(), password: 'password-1' }).expect(415);
    });

    it('rehashes on login when the argon2 parameters changed', async () => {
      const user = await t.createUser();
      // Simulate a hash made with older, cheaper-but-valid parameters (t=3 differs from the configured t=2).
      const argon2 = await import('argon2');
      const old = await argon2.hash(user.password, { type: argon2.argon2id, memoryCost: 19456, timeCost: 3, parallelism: 1 });
      await t.db.query('UPDATE users SET password_hash = $2 WHERE id = $1', [user.id, old]);
      await t.http().post('/api/auth/login').send({ email: user.email, password: user.password }).expect(200);
      const [{ password_hash }] = await t.db.query('SELECT password_hash FROM users WHERE id = $1', [user.id]);
      expect(password_hash).not.toBe(old);
      expect(password_hash).toMatch(/^\$argon2id\$v=19\$/);
      expect(password_hash).toMatch(/[$,]t=2[$,]/);
      expect(password_hash).toMatch(/[$,]m=19456[$,]/);
    });

    it('rehashes on login a hash of another argon2 variant made at the configured cost (argon2i, argon2d: imported accounts) as argon2id', async () => {
      const argon2 = await import('argon2');
      for (const type of [argon2.argon2i, argon2.argon2d] as const) {
        const user = await t.createUser();
        const other = await argon2.hash(user.password, { type, memoryCost: 19456, timeCost: 2, parallelism: 1 });
        await t.db.query('UPDATE users SET password_hash = $2 WHERE id = $1', [user.id, other]);
        await t.http().post('/api/auth/login').send({ email: user.email, password: user.password }).expect(200);
        const [{ password_hash }] = await t.db.query('SELECT password_hash FROM users WHERE id = $1', [user.id]);
        expect(password_hash).toMatch(/^\$argon2id\$v=19\$/);
        await t.http().post('/api/auth/login').send({ email: user.email, password: user.password }).expect(200);
      }
    });
  });

  describe('GET /api/auth/me and the access token', () => {
    it('returns the user for a bearer token and for the access_token cookie', async () => {
      const user = await t.signUp();
      const viaBearer = await user.agent.get('/api/auth/me').expect(200);
      expect(viaBearer.body.id).toBe(user.id);
      const viaCookie = await user.cookieAgent.get('/api/auth/me').expect(200);
      expect(viaCookie.body.id).toBe(user.id);
    });

    it('takes the scheme in any case, as the token_type "bearer" it issues reads (RFC 9110 §11.1)', async () => {
      const user = await t.signUp();
      for (const scheme of ['bearer', 'BEARER', 'Bearer']) {
        const res = await t.http().get('/api/auth/me').set('Authorization', `${scheme} ${user.accessToken}`);
        expect({ scheme, status: res.status }).toEqual({ scheme, status: 200 });
      }
      // A client that builds the header from the token response, and a cookie-less unsafe request with it.
      const tokens = (await t.http().post('/api/auth/login').send({ email: user.email, password: user.password }).expect(200)).body;
      const authorization = `${tokens.token_type} ${tokens.access_token}`;
      await t.http().post('/api/tasks').set('Authorization', authorization).set('Origin', 'https://elsewhere.example').send({ title: 'From a script' }).expect(201);
      await t.http().post('/api/auth/logout').set('Authorization', authorization).expect(200);
      await t.bearer(tokens.access_token).get('/api/auth/me').expect(401);
    });

    it('answers 401 problem+json with WWW-Authenticate: Bearer without a token', async () => {
      const res = await t.http().get('/api/auth/me').expect(401);
      expect(res.headers['www-authenticate']).toBe('Bearer');
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(res.body).toMatchObject({ type: 'about:blank', title: 'Unauthorized', status: 401 });
    });
  });

  describe('POST /api/auth/logout and /logout-all', () => {
    afterEach(() => t.clock.reset());

    it('revokes the session, clears both cookies, and is idempotent', async () => {
      const user = await t.signUp();
      const res = await user.cookieAgent.post('/api/auth/logout').expect(200);
      expect(res.body).toEqual({ detail: 'Logged out' });
      const cleared = res.headers['set-cookie'] as unknown as string[];
      expect(cleared.find((c) => c.startsWith('access_token=;'))).toMatch(/Expires=Thu, 01 Jan 1970/);
      expect(cleared.find((c) => c.startsWith('refresh_token=;'))).toMatch(/Path=\/api\/auth/);
      // The access token of that session stops working at once, and so does its refresh token.
      await user.agent.get('/api/auth/me').expect(401);
      await t.http().post('/api/auth/refresh').send({ refresh_token: user.refreshToken }).expect(401);
      await t.http().post('/api/auth/logout').send({ refresh_token: user.refreshToken }).expect(200);
      await t.http().post('/api/auth/logout').expect(200);
    });

    it('revokes the session named by a bearer token alone', async () => {
      const user = await t.signUp();
      await t.bearer(user.accessToken).post('/api/auth/logout').expect(200);
      await user.agent.get('/api/auth/me').expect(401);
    });

    it('revokes the session named by a bearer token that has expired: "Logged out" never leaves it alive', async () => {
      const user = await t.signUp();
      t.clock.advanceSeconds(t.config.jwt.accessTokenMinutes * 60 + 1);
      await t.bearer(user.accessToken).post('/api/auth/logout').expect(200);
      // Its refresh token, wherever a copy of it is, no longer renews it.
      await t.http().post('/api/auth/refresh').send({ refresh_token: user.refreshToken }).expect(401);
    });

    it('logout-all ends every session of the user and no one else’s', async () => {
      const user = await t.signUp();
      const second = await t.signIn(user);
      const other = await t.signUp();
      const res = await user.agent.post('/api/auth/logout-all').expect(200);
      expect(res.body.detail).toMatch(/2 sessions/);
      const cleared = res.headers['set-cookie'] as unknown as string[];
      expect(cleared.find((c) => c.startsWith('access_token=;'))).toMatch(/Expires=Thu, 01 Jan 1970/);
      expect(cleared.find((c) => c.startsWith('refresh_token=;'))).toMatch(/Path=\/api\/auth/);
      await user.agent.get('/api/auth/me').expect(401);
      await second.agent.get('/api/auth/me').expect(401);
      await t.http().post('/api/auth/refresh').send({ refresh_token: second.refreshToken }).expect(401);
      await other.agent.get('/api/auth/me').expect(200);
    });

    it('logout-all needs authentication', async () => {
      await t.http().post('/api/auth/logout-all').expect(401);
    });
  });
});
