import { readFile } from 'node:fs/promises';
import { describe, expect, it } from '@jest/globals';
import { fetchDocument, TYPES_PATH, typesFor } from '../scripts/lib/openapi-types.mjs';

describe('generated OpenAPI types', () => {
  it('match the running backend\u2019s document (else run `npm run generate:api -w frontend`)', async () => {
    const document = await fetchDocument(process.env.TEST_BACKEND_URL!);
    const expected: string = await typesFor(document);
    const committed = await readFile(TYPES_PATH, 'utf8');
    expect(committed === expected ? 'up to date' : 'stale: run `npm run generate:api -w frontend` and commit the result').toBe('up to date');
  });
});
