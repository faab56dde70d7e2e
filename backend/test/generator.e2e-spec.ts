import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';

const backend = resolve(import.meta.dirname, '..');
const root = resolve(backend, '..');
const node = process.execPath;

/**
 * `npm run generate:resource` end to end, in a throwaway copy of the backend (inside the repository,
 * so the copy resolves the same node_modules): generate, type-check and build, run the generated
 * suite and the OpenAPI contract test, then remove the copy.
 */
describe('npm run generate:resource', () => {
  const copy = join(root, '.data', `generator-check-${randomBytes(4).toString('hex')}`, 'backend');
  const run = (args: string[], env: Record<string, string> = {}) =>
    spawnSync(node, args, { cwd: copy, encoding: 'utf8', env: { ...process.env, ...env }, timeout: 240_000 });

  beforeAll(() => {
    mkdirSync(copy, { recursive: true });
    for (const entry of ['src', 'test', 'scripts', 'package.json', 'tsconfig.json', 'tsconfig.build.json', 'jest.config.mjs']) {
      cpSync(join(backend, entry), join(copy, entry), { recursive: true });
    }
  });
  afterAll(() => rmSync(resolve(copy, '..'), { recursive: true, force: true }));

  it('creates a registered owned-resource module whose generated suite passes as is', () => {
    const generated = run(['scripts/generate-resource.mjs', 'project']);
    expect(generated.stderr).toBe('');
    expect(generated.status).toBe(0);
    for (const file of ['src/projects/project.entity.ts', 'src/projects/projects.service.ts', 'src/projects/projects.controller.ts', 'test/projects.e2e-spec.ts']) {
      expect(existsSync(join(copy, file))).toBe(true);
    }
    expect(readFileSync(join(copy, 'src/app.module.ts'), 'utf8')).toMatch(/ProjectsModule,\n\s+\/\/ generate:resource modules/);

    const build = run([join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json']);
    expect(build.stdout + build.stderr).toBe('');
    expect(build.status).toBe(0);

    const suite = run(['--experimental-vm-modules', join(root, 'node_modules/jest/bin/jest.js'), '--verbose', 'test/projects.e2e-spec.ts', 'test/openapi.e2e-spec.ts'], {
      TEST_DATABASE_URL: process.env.TEST_ADMIN_DATABASE_URL ?? '',
    });
    const summary = /Tests:\s+(.*)/.exec(suite.stderr)?.[1];
    // Which tests failed, not only how many: the suite ran in a copy that is gone by the time you read this.
    const failed = [...suite.stderr.matchAll(/^\s*● (.+)$/gm)].map((m) => m[1]);
    expect({ status: suite.status, summary, failed }).toEqual({ status: 0, summary: expect.stringMatching(/^\d+ passed, \d+ total$/), failed: [] });
    // The ownership suite ran on the new module (another user's row is a 404 there too).
    expect(suite.stderr).toMatch(/answers 404 for another user’s row on get, patch and delete/);
  });

  it('refuses names that are taken, exist already or are not kebab-case', () => {
    const taken = run(['scripts/generate-resource.mjs', 'task', '--plural', 'tasks']);
    expect({ status: taken.status, stderr: taken.stderr }).toEqual({ status: 1, stderr: expect.stringMatching(/"tasks" is already taken by the application/) });
    expect(run(['scripts/generate-resource.mjs', 'project']).stderr).toMatch(/already exists/);
    expect(run(['scripts/generate-resource.mjs', 'Bad_Name']).stderr).toMatch(/kebab-case/);
  });
});
