import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { PASSWORD, registerOnBackend, screenshot, signIn, uniqueEmail } from './helpers';

async function signedIn(page: Page, email: string, password = PASSWORD, to = '/settings') {
  await page.goto(to);
  await signIn(page, email, password);
  await page.waitForURL(`**${to}`);
}

const sessions = (page: Page) => page.getByTestId('sessions').getByTestId('session');

/** The other device notices on its next page load: back to the sign-in page. */
async function expectSignedOut(page: Page) {
  await page.goto('/dashboard');
  await expect(page).toHaveURL(/\/login\?callbackUrl=%2Fdashboard$/);
}

test('lists signed-in devices and signs another one out', async ({ page, newDevice }) => {
  const email = uniqueEmail('devices');
  await registerOnBackend(email, PASSWORD, 'Alan Turing');
  const laptop = page;
  const phone = await newDevice();
  await signedIn(phone, email, PASSWORD, '/dashboard');
  await signedIn(laptop, email);

  await expect(sessions(laptop)).toHaveCount(2);
  const current = sessions(laptop).filter({ hasText: 'This device' });
  await expect(current).toHaveCount(1);
  await expect(current).toContainText('Headless Chrome on Linux');
  await expect(current.getByRole('button')).toHaveCount(0);
  await screenshot(laptop, 'settings');

  await sessions(laptop).filter({ hasNotText: 'This device' }).getByRole('button', { name: /^Sign out Headless Chrome on Linux/ }).click();
  await expect(laptop.getByRole('status').filter({ hasText: 'That device has been signed out.' })).toBeVisible();
  await expect(sessions(laptop)).toHaveCount(1);

  await expectSignedOut(phone);
  // This device is untouched.
  await laptop.goto('/dashboard');
  await expect(laptop).toHaveURL(/\/dashboard$/);
});

test('changing the password signs the other devices out', async ({ page, newDevice }) => {
  const email = uniqueEmail('password');
  await registerOnBackend(email);
  const other = await newDevice();
  await signedIn(other, email, PASSWORD, '/dashboard');
  await signedIn(page, email);

  const form = page.getByRole('form', { name: 'Change password' });
  await form.getByLabel('Current password').fill('not the password');
  await form.getByLabel('New password', { exact: true }).fill('a brand new passphrase');
  await form.getByLabel('Repeat new password').fill('a brand new passphrase');
  await form.getByRole('button', { name: 'Change password' }).click();
  await expect(form.getByLabel('Current password')).toHaveAccessibleDescription('Your current password is not correct.');
  await expect(form.getByLabel('Current password')).toBeFocused();

  await form.getByLabel('Current password').fill(PASSWORD);
  await form.getByLabel('New password', { exact: true }).fill('a brand new passphrase');
  await form.getByLabel('Repeat new password').fill('a different one');
  await form.getByRole('button', { name: 'Change password' }).click();
  await expect(form.getByLabel('Repeat new password')).toHaveAccessibleDescription('The two new passwords do not match.');

  await form.getByLabel('Repeat new password').fill('a brand new passphrase');
  await form.getByRole('button', { name: 'Change password' }).click();
  await expect(form.getByRole('status')).toHaveText('Password changed. Every other device has been signed out.');
  await expect(sessions(page)).toHaveCount(1);

  await expectSignedOut(other);
  await signIn(other, email, PASSWORD);
  await expect(other.getByRole('main').getByRole('alert')).toHaveText('Incorrect email or password.');
  await signIn(other, email, 'a brand new passphrase');
  await other.waitForURL('**/dashboard');
});

test('a form the backend throttled waits out its Retry-After, counting down, before it can be sent again', async ({ page }) => {
  const email = uniqueEmail('throttled');
  await registerOnBackend(email);
  await signedIn(page, email);

  const form = page.getByRole('form', { name: 'Change password' });
  await form.getByLabel('New password', { exact: true }).fill('a brand new passphrase');
  await form.getByLabel('Repeat new password').fill('a brand new passphrase');
  // Five wrong guesses are answered as such (LOGIN_MAX_FAILURES is 5 here); the sixth is a 429.
  for (let guess = 1; guess <= 5; guess += 1) {
    await form.getByLabel('Current password').fill(`not my password ${guess}`);
    await form.getByRole('button', { name: 'Change password' }).click();
    await expect(form.getByLabel('Current password')).toHaveAccessibleDescription('Your current password is not correct.');
  }
  await form.getByLabel('Current password').fill(PASSWORD);
  await form.getByRole('button', { name: 'Change password' }).click();
  await expect(form.getByRole('alert')).toHaveText(/^Too many attempts\. Please wait \d+ (seconds?|minutes?) and try again\.$/);
  const waiting = form.getByRole('button', { name: /^Try again in \d+s$/ });
  await expect(waiting).toBeDisabled();
  // It counts down: the label changes while the button stays disabled.
  const first = await waiting.textContent();
  await expect(waiting).not.toHaveText(first!, { timeout: 3_000 });
  await expect(waiting).toBeDisabled();
  // Enter in a field does not send it either (no enabled submit button, no implicit submission).
  const answered = page.waitForResponse((res) => res.request().method() === 'POST' && new URL(res.url()).pathname === '/settings', { timeout: 1_500 }).then(() => true, () => false);
  await form.getByLabel('Current password').press('Enter');
  expect(await answered).toBe(false);
});

test('updates the profile, and explains a taken email', async ({ page }) => {
  const email = uniqueEmail('profile');
  const taken = uniqueEmail('someone-else');
  await registerOnBackend(email, PASSWORD, 'Edsger');
  await registerOnBackend(taken);
  await signedIn(page, email);

  const form = page.getByRole('form', { name: 'Profile' });
  await form.getByLabel('Name').fill('Edsger Dijkstra');
  await form.getByRole('button', { name: 'Save profile' }).click();
  await expect(form.getByRole('status')).toHaveText('Profile saved.');
  await expect(page.getByTestId('signed-in-as')).toHaveText('Edsger Dijkstra');

  // A new email needs the current password: it is where reset links go.
  const renamed = uniqueEmail('renamed');
  await form.getByLabel('Email address').fill(renamed);
  await form.getByRole('button', { name: 'Save profile' }).click();
  await expect(form.getByLabel('Current password')).toHaveAccessibleDescription('The current password is required to change the email.');
  // Each wrong guess is one guess (the limit is 5): a 401 for the password is not taken for a
  // refused token, refreshed and sent again.
  for (let guess = 1; guess <= 3; guess += 1) {
    await form.getByLabel('Current password').fill(`not my password ${guess}`);
    const answered = page.waitForResponse((res) => res.request().method() === 'POST' && new URL(res.url()).pathname === '/settings');
    await form.getByRole('button', { name: 'Save profile' }).click();
    await answered;
    await expect(form.getByLabel('Current password')).toHaveAccessibleDescription('Your current password is not correct.');
  }

  await form.getByLabel('Current password').fill(PASSWORD);
  await form.getByLabel('Email address').fill(taken);
  await form.getByRole('button', { name: 'Save profile' }).click();
  await expect(form.getByLabel('Email address')).toHaveAccessibleDescription('Another account already uses this email address.');

  await form.getByLabel('Email address').fill(renamed);
  await form.getByLabel('Current password').fill(PASSWORD);
  await form.getByRole('button', { name: 'Save profile' }).click();
  await expect(form.getByRole('status')).toHaveText('Profile saved.');
  await expect(form.getByLabel('Current password')).toHaveValue('');
  await page.getByRole('button', { name: 'Sign out', exact: true }).click();
  await page.waitForURL('**/login');
  await signIn(page, renamed);
  await page.waitForURL('**/dashboard');
});

test('signs out everywhere', async ({ page, newDevice }) => {
  const email = uniqueEmail('everywhere');
  await registerOnBackend(email);
  const other = await newDevice();
  await signedIn(other, email, PASSWORD, '/dashboard');
  await signedIn(page, email);

  await page.getByRole('button', { name: 'Sign out everywhere…' }).click();
  const confirm = page.getByRole('group', { name: 'Sign out everywhere?' });
  await expect(confirm.getByRole('button', { name: 'Sign out everywhere' })).toBeFocused();
  await confirm.getByRole('button', { name: 'Sign out everywhere' }).click();
  await page.waitForURL('**/login');
  await expectSignedOut(page);
  await expectSignedOut(other);
});

test('deletes the account after the password is confirmed', async ({ page }) => {
  const email = uniqueEmail('delete');
  await registerOnBackend(email);
  await signedIn(page, email);

  const form = page.getByRole('form', { name: 'Delete account' });
  await form.getByLabel('Your password').fill(PASSWORD);
  await form.getByRole('button', { name: 'Delete my account' }).click();
  await expect(form.getByRole('checkbox')).toHaveAccessibleDescription('Tick the box to confirm you want to delete everything.');

  await form.getByRole('checkbox').check();
  await form.getByLabel('Your password').fill('wrong password');
  await form.getByRole('button', { name: 'Delete my account' }).click();
  await expect(form.getByLabel('Your password')).toHaveAccessibleDescription('That password is not correct.');

  await form.getByLabel('Your password').fill(PASSWORD);
  await form.getByRole('button', { name: 'Delete my account' }).click();
  await page.waitForURL('**/?deleted=1');
  await expect(page.getByRole('main').getByRole('status')).toHaveText('Your account and all of its data have been deleted.');
  await page.goto('/login');
  await signIn(page, email);
  await expect(page.getByRole('main').getByRole('alert')).toHaveText('Incorrect email or password.');
});

test('backing out of signing out everywhere puts focus back on its button', async ({ page }) => {
  const email = uniqueEmail('back-out');
  await registerOnBackend(email);
  await signedIn(page, email);

  const everywhere = page.getByRole('button', { name: 'Sign out everywhere…' });
  const confirm = page.getByRole('group', { name: 'Sign out everywhere?' });
  await everywhere.press('Enter');
  await confirm.getByRole('button', { name: 'Cancel' }).press('Enter');
  await expect(confirm).toHaveCount(0);
  await expect(everywhere).toBeFocused();

  await everywhere.press('Enter');
  await expect(confirm.getByRole('button', { name: 'Sign out everywhere' })).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(confirm).toHaveCount(0);
  await expect(everywhere).toBeFocused();
  await expect(sessions(page)).toHaveCount(1);
});

test('signing a device out moves focus to the message saying so, since its row and button are gone', async ({ page, newDevice }) => {
  const email = uniqueEmail('revoke-focus');
  await registerOnBackend(email);
  const phone = await newDevice();
  await signedIn(phone, email, PASSWORD, '/dashboard');
  await signedIn(page, email);

  await sessions(page).filter({ hasNotText: 'This device' }).getByRole('button', { name: /^Sign out / }).press('Enter');
  const done = page.getByRole('region', { name: 'Signed-in devices' }).getByRole('status');
  await expect(done).toHaveText('That device has been signed out.');
  await expect(done).toBeFocused();
  await expect(sessions(page)).toHaveCount(1);
});

test('saving keeps focus on the Save button, and pressing it again while the first save is on its way sends nothing', async ({ page }) => {
  const email = uniqueEmail('save-focus');
  await registerOnBackend(email, PASSWORD, 'Barbara');
  await signedIn(page, email);

  let saves = 0;
  page.on('request', (req) => {
    if (req.method() === 'POST' && new URL(req.url()).pathname === '/settings') saves += 1;
  });
  // A slow connection: the first save is still on its way when the key is pressed again.
  await page.route('**/settings', async (route) => {
    if (route.request().method() === 'POST') await new Promise((resolve) => setTimeout(resolve, 1_500));
    await route.continue();
  });

  const form = page.getByRole('form', { name: 'Profile' });
  await form.getByLabel('Name').fill('Barbara Liskov');
  const save = form.getByRole('button', { name: 'Save profile' });
  await save.press('Enter');
  await expect(save).toHaveAttribute('aria-busy', 'true');
  await expect(save).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(form.getByRole('status')).toHaveText('Profile saved.');
  await expect(save).toBeFocused();
  expect(saves).toBe(1);
});
