import pg from 'pg';
import { createTestDatabase } from '../../test/kit/database.js';
import { timestamptzTextToIso } from './timestamptz.js';

const viaDate = (text: string) => (pg.types.getTypeParser(1184, 'text') as (t: string) => Date)(text).toISOString();

describe('timestamptzTextToIso', () => {
  it.each([
    ['2026-12-02 03:29:40.123456+00', '2026-12-02T03:29:40.123Z'],
    ['2026-12-02 03:29:40.1239+00', '2026-12-02T03:29:40.123Z'],
    ['2026-12-02 03:29:40.12+00', '2026-12-02T03:29:40.120Z'],
    ['2026-12-02 03:29:40.5+00', '2026-12-02T03:29:40.500Z'],
    ['2026-12-02 03:29:40+00', '2026-12-02T03:29:40.000Z'],
  ])('writes UTC text %s as %s, exactly what the Date route gives', (text, iso) => {
    expect(timestamptzTextToIso(text)).toBe(iso);
    expect(viaDate(text)).toBe(iso);
  });

  it.each([
    '2026-12-02 04:29:40.123456+01', // a session whose TimeZone is not UTC
    '2026-12-01 22:59:40.123-04:30',
    '2026-12-02 03:29:40.123456+00:30',
    '12026-12-02 03:29:40.123+00', // a five-digit year
    '0099-01-01 00:00:00+00', // below year 100, where Date.UTC would add 1900
  ])('hands anything but plain UTC to node-postgres’s parser: %s', (text) => {
    expect(timestamptzTextToIso(text)).toBe(viaDate(text));
  });

  describe('on PostgreSQL’s own output', () => {
    let database: Awaited<ReturnType<typeof createTestDatabase>>;
    let client: pg.Client;
    beforeAll(async () => {
      database = await createTestDatabase();
      client = new pg.Client({ connectionString: database.url });
      await client.connect();
    });
    afterAll(async () => {
      await client.end();
      await database.drop();
    });

    it.each(['UTC', 'Europe/Berlin', 'America/St_Johns'])('agrees with the Date route for 500 instants in TimeZone %s', async (zone) => {
      await client.query(`SET TimeZone = '${zone}'`);
      const { rows } = await client.query<{ t: string; d: Date }>(
        `SELECT t::text AS t, t AS d FROM (SELECT timestamptz '2026-12-02 03:29:40.123456+00' - i * interval '7 days 3 hours 17 minutes 11.111117 seconds' AS t
           FROM generate_series(0, 499) AS i) AS s`,
      );
      expect(rows).toHaveLength(500);
      for (const row of rows) expect(timestamptzTextToIso(row.t)).toBe(row.d.toISOString());
    });
  });
});
