import { expect, test } from './fixtures';
import { backendToken, createTaskOnBackend, PASSWORD, registerOnBackend, screenshot, signIn, signUp, uniqueEmail } from './helpers';
import { db } from './fixtures';
import type { Page } from '@playwright/test';

async function addTask(page: Page, task: { title: string; description?: string; priority?: 'Low' | 'Medium' | 'High'; dueDate?: string }) {
  const form = page.getByRole('form', { name: 'New task' });
  await form.getByLabel('Title').fill(task.title);
  if (task.description) await form.getByLabel('Description (optional)').fill(task.description);
  if (task.priority) await form.getByLabel('Priority').selectOption({ label: task.priority });
  if (task.dueDate) await form.getByLabel('Due date (optional)').fill(task.dueDate);
  await form.getByRole('button', { name: 'Add task' }).click();
  await expect(form.getByRole('status')).toHaveText(`Added “${task.title}”.`);
  await expect(form.getByLabel('Title')).toBeFocused();
}

const filters = (page: Page) => page.getByRole('search', { name: 'Filter tasks' });
const list = (page: Page) => page.getByRole('list', { name: 'Tasks' });
const stat = (page: Page, label: string) => page.getByTestId('stats').locator('div', { has: page.locator('dt', { hasText: new RegExp(`^${label}$`) }) }).locator('dd');

test('create, edit, complete, filter, search, sort and delete tasks', async ({ page }) => {
  await signUp(page, { name: 'Grace Hopper', email: uniqueEmail('grace') });
  await expect(page.getByText('No tasks yet')).toBeVisible();

  // The title is required before anything reaches the backend.
  await page.getByRole('form', { name: 'New task' }).getByRole('button', { name: 'Add task' }).click();
  await expect(page.getByRole('form', { name: 'New task' }).getByLabel('Title')).toHaveAccessibleDescription('Give the task a title.');

  await addTask(page, { title: 'Write the quarterly report', description: 'Numbers from finance', priority: 'High', dueDate: '2020-01-15' });
  await addTask(page, { title: 'Book flights', priority: 'Low', dueDate: '2099-06-01' });
  await addTask(page, { title: 'Call the plumber' });
  await expect(list(page).getByTestId('task')).toHaveCount(3);
  await expect(stat(page, 'Total')).toHaveText('3');
  await expect(stat(page, 'Overdue')).toHaveText('1');
  await expect(list(page).getByTestId('task').filter({ hasText: 'Write the quarterly report' })).toContainText('Overdue');

  // Complete one.
  await list(page).getByRole('checkbox', { name: 'Book flights' }).check();
  await expect(stat(page, 'Done')).toHaveText('1');
  await expect(stat(page, 'Not done')).toHaveText('2');
  await expect(list(page).getByTestId('task').filter({ hasText: 'Book flights' })).toContainText('Done');

  // Edit one, with the keyboard: Edit opens the form with focus in the title.
  await list(page).getByRole('button', { name: 'Edit “Call the plumber”' }).click();
  const editor = page.getByRole('form', { name: 'Edit “Call the plumber”' });
  await expect(editor.getByLabel('Title')).toBeFocused();
  await editor.getByLabel('Title').fill('Call the plumber about the leak');
  await editor.getByLabel('Priority').selectOption({ label: 'High' });
  await editor.getByRole('button', { name: 'Save' }).click();
  await expect(list(page).getByTestId('task').filter({ hasText: 'Call the plumber about the leak' })).toContainText('High priority');

  // Filter by status and by priority.
  await filters(page).getByLabel('Status').selectOption({ label: 'Done' });
  await expect(page).toHaveURL(/status=completed/);
  await expect(list(page).getByTestId('task')).toHaveCount(1);
  await expect(page.getByTestId('result-count')).toHaveText('1 task match these filters');
  await filters(page).getByLabel('Status').selectOption({ label: 'All tasks' });
  await filters(page).getByLabel('Priority').selectOption({ label: 'High priority' });
  await expect(page).toHaveURL(/priority=high/);
  await expect(list(page).getByTestId('task')).toHaveCount(2);
  await filters(page).getByLabel('Priority').selectOption({ label: 'Any priority' });

  // Search as you type.
  await filters(page).getByLabel('Search tasks').fill('finance');
  await expect(page).toHaveURL(/q=finance/);
  await expect(list(page).getByTestId('task')).toHaveCount(1);
  await expect(list(page).getByTestId('task')).toContainText('Write the quarterly report');
  await filters(page).getByLabel('Search tasks').fill('');
  await expect(page).not.toHaveURL(/q=/);

  // Sort by title.
  await filters(page).getByLabel('Sort by').selectOption({ label: 'Title (A–Z)' });
  await expect(page).toHaveURL(/sort=title/);
  await expect(list(page).getByTestId('task').first()).toHaveAttribute('data-task-title', 'Book flights');
  await expect(list(page).getByTestId('task').last()).toHaveAttribute('data-task-title', 'Write the quarterly report');
  await screenshot(page, 'dashboard');
  await page.setViewportSize({ width: 390, height: 844 });
  await expect(list(page).getByTestId('task')).toHaveCount(3);
  await screenshot(page, 'dashboard-mobile');
  await page.setViewportSize({ width: 1280, height: 800 });

  // Delete, after confirming.
  await list(page).getByRole('button', { name: 'Delete “Book flights”' }).click();
  await page.getByRole('group', { name: 'Delete “Book flights”?' }).getByRole('button', { name: 'Delete' }).click();
  await expect(list(page).getByTestId('task')).toHaveCount(2);
  await expect(stat(page, 'Total')).toHaveText('2');
  await expect(stat(page, 'Done')).toHaveText('0');

  // Nothing matches: a helpful empty state.
  await filters(page).getByLabel('Search tasks').fill('no such thing');
  await expect(page.getByText('Nothing matches')).toBeVisible();
  await page.getByRole('link', { name: 'Clear filters' }).click();
  await expect(list(page).getByTestId('task')).toHaveCount(2);
});

test('long lists are paginated', async ({ page }) => {
  const email = uniqueEmail('pages');
  await registerOnBackend(email);
  const token = await backendToken(email);
  for (let i = 1; i <= 12; i += 1) await createTaskOnBackend(token, { title: `Task ${String(i).padStart(2, '0')}` });

  await page.goto('/login');
  await signIn(page, email, PASSWORD);
  await page.waitForURL('**/dashboard');
  await expect(page.getByTestId('result-count')).toHaveText('12 tasks · page 1 of 2');
  await expect(list(page).getByTestId('task')).toHaveCount(10);
  const pagination = page.getByRole('navigation', { name: 'Pagination' });
  await pagination.getByRole('link', { name: 'Next →' }).click();
  await expect(page).toHaveURL(/page=2/);
  await expect(list(page).getByTestId('task')).toHaveCount(2);
  await expect(list(page).getByTestId('task').last()).toHaveAttribute('data-task-title', 'Task 01');
  await pagination.getByRole('link', { name: '← Previous' }).click();
  await expect(list(page).getByTestId('task')).toHaveCount(10);
});

test('an expired access token is refreshed on the server, out of the user\u2019s sight', async ({ page }) => {
  await signUp(page, { name: 'Katherine', email: uniqueEmail('refresh') });
  const { rows } = await db().query<{ id: string; backendRefreshToken: string }>(
    `SELECT s."id", s."backendRefreshToken" FROM better_auth."session" s JOIN better_auth."user" u ON u."id" = s."userId" WHERE u."name" = 'Katherine' ORDER BY s."createdAt" DESC LIMIT 1`,
  );
  const before = rows[0]!;
  await db().query(`UPDATE better_auth."session" SET "backendAccessTokenExpiresAt" = now() - interval '1 minute' WHERE "id" = $1`, [before.id]);

  await page.reload();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Hi Katherine, here are your tasks');
  await addTask(page, { title: 'Still signed in' });
  const after = await db().query<{ backendRefreshToken: string }>(`SELECT "backendRefreshToken" FROM better_auth."session" WHERE "id" = $1`, [before.id]);
  expect(after.rows[0]!.backendRefreshToken).not.toBe(before.backendRefreshToken);
});

/** A user with these tasks already on the backend (newest first on the dashboard), signed in. */
async function signedInWithTasks(page: Page, titles: string[]) {
  const email = uniqueEmail('keyboard');
  await registerOnBackend(email);
  const token = await backendToken(email);
  for (const title of titles) await createTaskOnBackend(token, { title });
  await page.goto('/login');
  await signIn(page, email, PASSWORD);
  await page.waitForURL('**/dashboard');
  await expect(page.getByTestId('result-count')).toContainText(`${titles.length} task`);
}

test('paging with the keyboard to the last page and back leaves focus on the task list, not on <body>', async ({ page }) => {
  await signedInWithTasks(page, Array.from({ length: 12 }, (_, i) => `Chore ${String(i + 1).padStart(2, '0')}`));
  const pagination = page.getByRole('navigation', { name: 'Pagination' });
  const heading = page.getByRole('heading', { name: 'Task list' });

  // The last page has no "Next →" link to keep focus on.
  await pagination.getByRole('link', { name: 'Next →' }).press('Enter');
  await expect(page).toHaveURL(/page=2/);
  await expect(list(page).getByTestId('task')).toHaveCount(2);
  await expect(heading).toBeFocused();

  await pagination.getByRole('link', { name: '← Previous' }).press('Enter');
  await expect(page).not.toHaveURL(/page=/);
  await expect(list(page).getByTestId('task')).toHaveCount(10);
  await expect(heading).toBeFocused();
});

test('ticking a task off with the keyboard leaves focus on its checkbox, to tick the next one', async ({ page }) => {
  await signedInWithTasks(page, ['Water the plants', 'Pay the rent']);
  const rent = list(page).getByRole('checkbox', { name: 'Pay the rent' });
  await rent.focus();
  await page.keyboard.press('Space');
  await expect(stat(page, 'Done')).toHaveText('1');
  await expect(rent).toBeChecked();
  await expect(rent).toBeFocused();

  await page.keyboard.press('Tab');
  await page.keyboard.press('Tab');
  await page.keyboard.press('Tab');
  const plants = list(page).getByRole('checkbox', { name: 'Water the plants' });
  await expect(plants).toBeFocused();
  await page.keyboard.press('Space');
  await expect(stat(page, 'Done')).toHaveText('2');
  await expect(plants).toBeFocused();
});

test('ticking a task off under the "Not done" filter, which takes it off the list, leaves focus on the task list', async ({ page }) => {
  await signedInWithTasks(page, ['Book the dentist', 'Call the plumber']);
  await page.goto('/dashboard?status=pending');
  await expect(list(page).getByTestId('task')).toHaveCount(2);
  await list(page).getByRole('checkbox', { name: 'Call the plumber' }).focus();
  await page.keyboard.press('Space');
  await expect(list(page).getByTestId('task')).toHaveCount(1);
  await expect(page.getByRole('heading', { name: 'Task list' })).toBeFocused();
});

test('saving an edit puts focus back on the task\u2019s Edit button', async ({ page }) => {
  await signedInWithTasks(page, ['Renew the passport']);
  await list(page).getByRole('button', { name: 'Edit “Renew the passport”' }).press('Enter');
  const editor = page.getByRole('form', { name: 'Edit “Renew the passport”' });
  await editor.getByLabel('Title').fill('Renew the passport before May');
  await editor.getByLabel('Title').press('Enter');
  await expect(list(page).getByRole('button', { name: 'Edit “Renew the passport before May”' })).toBeFocused();
});

test('backing out of a delete confirmation puts focus back on the Delete button', async ({ page }) => {
  await signedInWithTasks(page, ['Cancel the gym membership']);
  const remove = list(page).getByRole('button', { name: 'Delete “Cancel the gym membership”' });
  const confirm = page.getByRole('group', { name: 'Delete “Cancel the gym membership”?' });

  await remove.press('Enter');
  await expect(confirm.getByRole('button', { name: 'Delete' })).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(confirm).toHaveCount(0);
  await expect(remove).toBeFocused();

  await remove.press('Enter');
  await confirm.getByRole('button', { name: 'Cancel' }).press('Enter');
  await expect(confirm).toHaveCount(0);
  await expect(remove).toBeFocused();
  await expect(list(page).getByTestId('task')).toHaveCount(1);
});

test('deleting a task moves focus to the task list instead of losing it', async ({ page }) => {
  await signedInWithTasks(page, ['Old task', 'Obsolete task']);
  await list(page).getByRole('button', { name: 'Delete “Obsolete task”' }).press('Enter');
  await page.getByRole('group', { name: 'Delete “Obsolete task”?' }).getByRole('button', { name: 'Delete' }).press('Enter');
  await expect(list(page).getByTestId('task')).toHaveCount(1);
  await expect(page.getByRole('heading', { name: 'Task list' })).toBeFocused();
  await expect(page.getByTestId('result-count')).toHaveText('1 task');
});

test('a task form whose request never reaches the server keeps what was typed and says so', async ({ page }) => {
  await signedInWithTasks(page, ['Existing task']);
  // The browser loses its connection to this app (not the backend: that is guardAction's case).
  await page.route('**/dashboard', (route) => (route.request().method() === 'POST' ? route.abort('internetdisconnected') : route.continue()));
  const form = page.getByRole('form', { name: 'New task' });
  await form.getByLabel('Title').fill('Typed while offline');
  await form.getByRole('button', { name: 'Add task' }).click();
  await expect(form.getByRole('alert')).toHaveText('We could not reach the server. Check your connection and try again.');
  await expect(form.getByRole('alert')).toBeFocused();
  await expect(form.getByLabel('Title')).toHaveValue('Typed while offline');
  await expect(list(page).getByTestId('task')).toHaveCount(1);
  // Ticking a task off, likewise: it stays unticked, and says why.
  const existing = list(page).getByTestId('task').filter({ hasText: 'Existing task' });
  await existing.getByRole('checkbox').click();
  await expect(existing.getByRole('alert')).toHaveText('We could not reach the server. Check your connection and try again.');
  await expect(existing.getByRole('checkbox')).not.toBeChecked();

  await page.unroute('**/dashboard');
  await form.getByRole('button', { name: 'Add task' }).click();
  await expect(form.getByRole('status')).toHaveText('Added “Typed while offline”.');
  await expect(list(page).getByTestId('task')).toHaveCount(2);
});
