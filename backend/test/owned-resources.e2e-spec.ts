import { createTestApp, describeOwnedResource, type TestApp } from './kit/index.js';

// The kit's shared owned-resource suite, run on our own Tasks module, so the suite that generated
// modules rely on is proven (and kept honest) here.
let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

describeOwnedResource('Tasks', {
  app: () => t,
  path: '/api/tasks',
  listKey: 'tasks',
  table: 'tasks',
  valid: { title: 'Write the report', priority: 'high', dueDate: '2030-01-31' },
  update: { title: 'Write the report (v2)', completed: true },
  invalid: { title: '', priority: 'urgent' },
});
