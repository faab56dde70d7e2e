import { db, expectNoTokensInCookies, expect, test } from './fixtures';
import { PASSWORD, registerOnBackend, resetLinkFor, screenshot, signIn, signUp, uniqueEmail } from './helpers';

test('protected pages send visitors to sign in, and back where they were going afterwards', async ({ page }) => {
  const email = uniqueEmail('redirect');
  await registerOnBackend(email);

  await page.goto('/settings');
  await expect(page).toHaveURL(/\/login\?callbackUrl=%2Fsettings$/);
  await signIn(page, email);
  await page.waitForURL('**/settings');
  await expect(page.getByRole('heading', { name: 'Settings', level: 1 })).toBeVisible();

  // Signed in, the sign-in and sign-up pages lead straight to the dashboard.
  await page.goto('/login');
  await expect(page).toHaveURL(/\/dashboard$/);
  await page.goto('/register');
  await expect(page).toHaveURL(/\/dashboard$/);

  // A callback URL pointing off-site is ignored.
  await page.getByRole('button', { name: 'Sign out', exact: true }).click();
  await page.waitForURL('**/login');
  await page.goto('/login?callbackUrl=https%3A%2F%2Fevil.example%2F');
  await signIn(page, email);
  await page.waitForURL('**/dashboard');
});

test('sign up, sign out and sign in again', async ({ page }) => {
  const email = uniqueEmail('ada');
  await page.goto('/');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Get your tasks out of your head.');
  await screenshot(page, 'landing');

  await page.getByRole('link', { name: 'Create a free account' }).click();
  await page.waitForURL('**/register');
  await screenshot(page, 'register');
  await signUp(page, { name: 'Ada Lovelace', email });
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Hi Ada, here are your tasks');
  await expect(page.getByTestId('signed-in-as')).toHaveText('Ada Lovelace');
  await expectNoTokensInCookies(page);

  await page.getByRole('button', { name: 'Sign out', exact: true }).click();
  await page.waitForURL('**/login');
  await page.goto('/dashboard');
  await expect(page).toHaveURL(/\/login\?callbackUrl=%2Fdashboard$/);
  await screenshot(page, 'login');

  await signIn(page, email);
  await page.waitForURL('**/dashboard');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Hi Ada, here are your tasks');
});

test('an active session is extended once a day, cookie and row together', async ({ page, context }) => {
  const email = uniqueEmail('grace');
  await registerOnBackend(email, PASSWORD, 'Grace');
  await page.goto('/login');
  await signIn(page, email);
  await page.waitForURL('**/dashboard');
  const DAY = 86_400_000;
  const cookieExpiry = async () => (await context.cookies()).find((c) => c.name.endsWith('better-auth.session_token'))!.expires * 1000;
  const rowExpiry = async () =>
    (await db().query<{ expiresAt: Date }>(`SELECT s."expiresAt" FROM better_auth."session" s JOIN better_auth."user" u ON u."id" = s."userId" WHERE u."email" = $1`, [email.toLowerCase()])).rows[0].expiresAt.getTime();

  // Signed in two days ago: the row has 5 days left, and the browser's cookie as many.
  await db().query(`UPDATE better_auth."session" SET "expiresAt" = now() + interval '5 days' WHERE "userId" = (SELECT "id" FROM better_auth."user" WHERE "email" = $1)`, [email.toLowerCase()]);
  const [cookie] = (await context.cookies()).filter((c) => c.name.endsWith('better-auth.session_token'));
  await context.addCookies([{ ...cookie, expires: (Date.now() + 5 * DAY) / 1000 }]);

  const renewed = page.waitForResponse((res) => new URL(res.url()).pathname === '/auth/get-session');
  await page.goto('/dashboard');
  await renewed;
  await expect.poll(cookieExpiry).toBeGreaterThan(Date.now() + 6.9 * DAY);
  expect(await rowExpiry()).toBeGreaterThan(Date.now() + 6.9 * DAY);

  // Renewed: the next pages do not ask again.
  let asked = false;
  page.on('request', (req) => {
    if (new URL(req.url()).pathname === '/auth/get-session') asked = true;
  });
  await page.goto('/settings');
  await expect(page.getByRole('form', { name: 'Profile' })).toBeVisible();
  await page.waitForLoadState('networkidle'); // hydrated, and any renewal request it would make is made
  expect(asked).toBe(false);
});

test('a sign-out that fails says so and leaves the user where they were', async ({ page }) => {
  const email = uniqueEmail('hedy');
  await registerOnBackend(email, PASSWORD, 'Hedy');
  await page.goto('/login');
  await signIn(page, email);
  await page.waitForURL('**/dashboard');
  await page.route('**/auth/sign-out', (route) => route.abort('connectionrefused'));
  await page.getByRole('button', { name: 'Sign out', exact: true }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'Could not sign out' })).toBeVisible();
  await expect(page).toHaveURL(/\/dashboard$/);
  await page.unroute('**/auth/sign-out');
  await page.getByRole('button', { name: 'Sign out', exact: true }).click();
  await page.waitForURL('**/login');
  await page.goto('/dashboard');
  await expect(page).toHaveURL(/\/login\?callbackUrl=%2Fdashboard$/);
});

test('a form submitted before the page is interactive never puts the password in the URL', async ({ browser }) => {
  // Without JavaScript, as in the moment before hydration: the browser submits the form itself.
  const context = await browser.newContext({ javaScriptEnabled: false });
  try {
    const page = await context.newPage();
    const secret = 'a-password-that-must-not-travel-in-urls';
    for (const [path, button] of [['/login', 'Sign in'], ['/register', 'Create account']]) {
      await page.goto(path);
      await page.getByLabel('Email address').fill(uniqueEmail('nojs'));
      await page.getByLabel('Password', { exact: true }).fill(secret);
      const sent = page.waitForRequest((req) => req.isNavigationRequest() && req.frame() === page.mainFrame() && new URL(req.url()).pathname === path);
      await page.getByRole('button', { name: button, exact: true }).click();
      const request = await sent;
      expect(request.method()).toBe('POST');
      expect(request.url()).not.toContain(secret);
      await page.waitForLoadState();
      expect(page.url()).not.toContain(secret);
    }
  } finally {
    await context.close();
  }
});

test('backend refusals are explained next to the right field', async ({ page }) => {
  const email = uniqueEmail('taken');
  await registerOnBackend(email);

  await page.goto('/register');
  await page.getByLabel('Email address').fill(email);
  await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
  await page.getByRole('button', { name: 'Create account' }).click();
  const emailField = page.getByLabel('Email address');
  await expect(emailField).toHaveAccessibleDescription('An account with this email already exists.');
  await expect(emailField).toHaveAttribute('aria-invalid', 'true');
  await expect(emailField).toBeFocused();
  await expect(page.getByRole('link', { name: 'Sign in instead' })).toBeVisible();

  // 422 from the backend (too short) lands under the password.
  await emailField.fill(uniqueEmail('short'));
  await page.getByLabel('Password', { exact: true }).fill('short');
  await page.getByRole('button', { name: 'Create account' }).click();
  const password = page.getByLabel('Password', { exact: true });
  await expect(password).toHaveAttribute('aria-invalid', 'true');
  await expect(password).toHaveAccessibleDescription(/8/);

  // Wrong password: one message for the form, the same whether or not the account exists.
  await page.goto('/login');
  await signIn(page, email, 'not my password');
  await expect(page.getByRole('main').getByRole('alert')).toHaveText('Incorrect email or password.');
  await expect(page).toHaveURL(/\/login$/);

  // Too many failures: the backend's 429 becomes a wait the person can act on.
  for (let attempt = 0; attempt < 6; attempt += 1) {
    await page.getByLabel('Password', { exact: true }).fill(`wrong ${attempt}`);
    const answered = page.waitForResponse((r) => r.url().endsWith('/auth/sign-in/backend'));
    await page.getByRole('button', { name: 'Sign in' }).click();
    if ((await answered).status() === 429) break;
  }
  await expect(page.getByRole('main').getByRole('alert')).toHaveText(/^Too many attempts\. Please wait \d+ (seconds?|minutes?) and try again\.$/);
  await expect(page.getByRole('button', { name: /Try again in \d+s/ })).toBeDisabled();
});

test('resets a forgotten password with the emailed link', async ({ page }) => {
  const email = uniqueEmail('forgot');
  await registerOnBackend(email);

  await page.goto('/login');
  await page.getByRole('link', { name: 'Forgot password?' }).click();
  await page.waitForURL('**/forgot-password');
  await page.getByLabel('Email address').fill(email);
  await page.getByRole('button', { name: 'Send reset link' }).click();
  await expect(page.getByRole('main').getByRole('status')).toHaveText(`If an account exists for ${email}, a link to reset its password is on its way.`);

  const link = new URL(await resetLinkFor(email));
  await page.goto(`${link.pathname}${link.search}`);
  await page.getByLabel('New password', { exact: true }).fill('my fresh passphrase');
  await page.getByLabel('Repeat new password').fill('my fresh passphrase');
  await page.getByRole('button', { name: 'Set new password' }).click();
  await expect(page.getByRole('main').getByRole('status')).toHaveText('Your password has been reset, and every device was signed out.');

  // The link works once.
  await page.goto(`${link.pathname}${link.search}`);
  await page.getByLabel('New password', { exact: true }).fill('another passphrase');
  await page.getByLabel('Repeat new password').fill('another passphrase');
  await page.getByRole('button', { name: 'Set new password' }).click();
  await expect(page.getByRole('main').getByRole('alert')).toHaveText('This reset link is invalid, has expired or was already used. Ask for a new one.');

  await page.goto('/login');
  await signIn(page, email, 'my fresh passphrase');
  await page.waitForURL('**/dashboard');
});

test('every response keeps the browser on HTTPS and in a browsing context of its own, as the API does', async ({ request }) => {
  // Pages, a protected page's redirect, Better Auth's JSON and a static file: the browser loads all of them, never /api.
  for (const path of ['/login', '/dashboard', '/auth/get-session', '/icon.svg']) {
    const headers = (await request.get(path, { maxRedirects: 0 })).headers();
    expect(headers['strict-transport-security'], path).toBe('max-age=31536000; includeSubDomains');
    expect(headers['cross-origin-opener-policy'], path).toBe('same-origin');
  }
});

test('every page carries a Content-Security-Policy with a fresh nonce, and only scripts with it run', async ({ browser }) => {
  // A page of its own: the injected script below is meant to be refused, which the fixture's page would count as a failure.
  const context = await browser.newContext();
  const page = await context.newPage();
  const refused: string[] = [];
  page.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) refused.push(message.text());
  });
  const policies: string[] = [];
  for (let i = 0; i < 2; i++) {
    const response = await page.goto('/login');
    const policy = response?.headers()['content-security-policy'] ?? '';
    expect(policy).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/]{22}==' 'strict-dynamic'(;|$)/);
    expect(policy).toContain("frame-ancestors 'none'");
    policies.push(policy);
  }
  expect(policies[0]).not.toBe(policies[1]);
  const nonce = /'nonce-([^']+)'/.exec(policies[1])![1];
  // Next.js's own scripts carry this response's nonce.
  const nonces = await page.locator('script').evaluateAll((scripts) => scripts.map((s) => (s as HTMLScriptElement).nonce));
  expect(nonces.length).toBeGreaterThan(0);
  expect(nonces.every((n) => n === nonce)).toBe(true);
  // Markup injected into the page — a script without the nonce, an inline handler — never runs.
  await page.route('**/login', async (route) => {
    const response = await route.fetch();
    const html = (await response.text()).replace('</body>', '<script>window.__injected = "script"</script><img src="/x" onerror="window.__injected = \'handler\'"></body>');
    await route.fulfill({ response, body: html });
  });
  await page.goto('/login');
  await expect(page.getByRole('button', { name: 'Sign in', exact: true })).toBeVisible();
  await expect.poll(() => refused.length).toBe(2);
  expect(await page.evaluate(() => (window as unknown as { __injected?: string }).__injected)).toBeUndefined();
  expect(refused.join('\n')).toMatch(/inline script/);
  expect(refused.join('\n')).toMatch(/inline event handler/);
  await context.close();
});

test('once a reset link is asked for, or a password reset, focus moves to the message that replaced the form', async ({ page }) => {
  const email = uniqueEmail('focus-reset');
  await registerOnBackend(email);

  await page.goto('/forgot-password');
  await page.getByLabel('Email address').fill(email);
  await page.getByLabel('Email address').press('Enter');
  const sent = page.getByRole('main').getByRole('status');
  await expect(sent).toHaveText(`If an account exists for ${email}, a link to reset its password is on its way.`);
  await expect(sent).toBeFocused();

  const link = new URL(await resetLinkFor(email));
  await page.goto(`${link.pathname}${link.search}`);
  await page.getByLabel('New password', { exact: true }).fill('my fresh passphrase');
  await page.getByLabel('Repeat new password').fill('my fresh passphrase');
  await page.getByLabel('Repeat new password').press('Enter');
  const reset = page.getByRole('main').getByRole('status');
  await expect(reset).toHaveText('Your password has been reset, and every device was signed out.');
  await expect(reset).toBeFocused();
});
