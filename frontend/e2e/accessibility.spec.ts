import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { backendToken, createTaskOnBackend, PASSWORD, registerOnBackend, signIn, uniqueEmail } from './helpers';

const PHONE = { width: 375, height: 740 };
const DESKTOP = { width: 1280, height: 800 };

/** axe's WCAG 2.x A/AA rules and best practices, on the page as it is now: no violations. */
async function expectNoViolations(page: Page, what: string) {
  // The page's own heading is there (not a loading skeleton), and no colour is mid-transition.
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
  const { violations } = await new AxeBuilder({ page }).analyze();
  const found = violations.map((v) => `${v.id}: ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  expect(found, `axe on ${what}`).toEqual([]);
}

/** Nothing is wider than the screen: no sideways scrolling on a phone. */
async function expectNoSidewaysScroll(page: Page, what: string) {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(overflow, `${what} is wider than ${PHONE.width}px`).toBe(0);
}

test.beforeEach(async ({ page }) => {
  await page.emulateMedia({ reducedMotion: 'reduce' });
});

test('the public pages pass axe, on a desktop and on a 375px phone', async ({ page }) => {
  for (const viewport of [DESKTOP, PHONE]) {
    await page.setViewportSize(viewport);
    for (const path of ['/', '/?deleted=1', '/login', '/register', '/forgot-password', '/reset-password', '/reset-password?token=abc', '/no-such-page']) {
      await page.goto(path);
      await expectNoViolations(page, `${path} at ${viewport.width}px`);
      await expectNoSidewaysScroll(page, path);
    }
  }
  // With every field in error, then put right.
  await page.goto('/register');
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page.getByLabel('Email address')).toHaveAttribute('aria-invalid', 'true');
  await expectNoViolations(page, '/register with errors');
  await page.getByLabel('Email address').fill(uniqueEmail('axe-public'));
  await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.waitForURL('**/dashboard');
});

test('the signed-in pages pass axe, with done, overdue and high-priority tasks, on a desktop and on a 375px phone', async ({ page }) => {
  const email = uniqueEmail('axe');
  await registerOnBackend(email, PASSWORD, 'Axel');
  const token = await backendToken(email);
  await createTaskOnBackend(token, { title: 'Overdue and important', description: 'Since 2020', priority: 'high', dueDate: '2020-01-15' });
  await createTaskOnBackend(token, { title: 'Finished already', priority: 'low' });
  for (let i = 1; i <= 10; i += 1) await createTaskOnBackend(token, { title: `Filler ${i}` });
  await page.goto('/login');
  await signIn(page, email);
  await page.waitForURL('**/dashboard');
  await page.goto('/dashboard?q=Finished');
  await page.getByRole('checkbox', { name: 'Finished already' }).check();
  await expect(page.getByRole('checkbox', { name: 'Finished already (done)' })).toBeChecked();

  for (const viewport of [DESKTOP, PHONE]) {
    await page.setViewportSize(viewport);
    for (const path of ['/dashboard?sort=-title', '/dashboard?page=2', '/dashboard?q=nothing-like-this', '/settings', '/no-such-page']) {
      await page.goto(path);
      await expectNoViolations(page, `${path} at ${viewport.width}px`);
      await expectNoSidewaysScroll(page, path);
    }
  }
  // A task being edited, and one waiting for its delete to be confirmed.
  await page.goto('/dashboard?sort=-title');
  await page.getByRole('button', { name: 'Edit “Overdue and important”' }).click();
  await page.getByRole('button', { name: 'Delete “Finished already”' }).click();
  await expectNoViolations(page, 'the dashboard mid-edit at 375px');
  await expectNoSidewaysScroll(page, 'the dashboard mid-edit');
});

test('every page has a title of its own, error pages included', async ({ page }) => {
  for (const [path, title] of [
    ['/', 'Tasks'],
    ['/login', 'Sign in · Tasks'],
    ['/register', 'Create account · Tasks'],
    ['/forgot-password', 'Forgot password · Tasks'],
    ['/reset-password?token=abc', 'Choose a new password · Tasks'],
    ['/no-such-page', 'Page not found · Tasks'],
  ]) {
    await page.goto(path);
    await expect(page, path).toHaveTitle(title);
  }
});
