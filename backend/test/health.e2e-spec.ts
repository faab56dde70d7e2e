import { createTestApp, type TestApp } from './kit/index.js';

describe('GET /api/health', () => {
  let t: TestApp;
  beforeAll(async () => {
    // One connection, so that a test can hold it and leave the database answering nobody else.
    t = await createTestApp({ env: { DATABASE_POOL_SIZE: '1' } });
  });
  afterAll(() => t.close());

  it('is public and reports the database up', async () => {
    const res = await t.http().get('/api/health').expect(200);
    expect(res.body.status).toBe('ok');
    expect(res.body.info.database.status).toBe('up');
  });

  it('answers 503 problem+json with Retry-After, as documented, while the database does not answer', async () => {
    const held = t.db.createQueryRunner();
    await held.connect();
    try {
      const res = await t.http().get('/api/health').expect(503);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(res.body).toMatchObject({ type: 'about:blank', title: 'Service Unavailable', status: 503 });
      expect(res.headers['retry-after']).toMatch(/^\d+$/);
      const documented = (await t.http().get('/api/docs-json').expect(200)).body.paths['/api/health'].get.responses['503'];
      expect(Object.keys(documented.headers)).toEqual(['Retry-After']);
    } finally {
      await held.release();
    }
    await t.http().get('/api/health').expect(200);
  });
});
