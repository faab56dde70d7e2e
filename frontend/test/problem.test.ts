import { describe, expect, it } from '@jest/globals';
import { describeFailure, retryAfterSeconds } from '../src/lib/backend/problem.ts';
import { safeCallbackUrl } from '../src/lib/callback-url.ts';
import { parseTaskQuery, taskQueryString, isOverdue } from '../src/lib/tasks.ts';

describe('describeFailure', () => {
  const fields = ['email', 'password'];

  it('puts 422 field errors next to their fields, as sentences', () => {
    const errors = describeFailure(
      { status: 422, retryAfterSeconds: null, problem: { detail: 'Invalid', errors: [{ field: 'password', message: 'password must be longer than or equal to 8 characters' }] } },
      { fields },
    );
    expect(errors).toEqual({ fields: { password: 'Password must be longer than or equal to 8 characters.' } });
  });

  it('sends an error about a field the form does not show to the form message', () => {
    const errors = describeFailure({ status: 422, retryAfterSeconds: null, problem: { errors: [{ field: 'role', message: 'not allowed' }] } }, { fields });
    expect(errors).toEqual({ fields: {}, form: 'Not allowed.' });
  });

  it('explains 429 with the wait the backend asked for', () => {
    expect(describeFailure({ status: 429, retryAfterSeconds: 42, problem: null }, { fields })).toEqual({
      fields: {},
      form: 'Too many attempts. Please wait 42 seconds and try again.',
      retryAfterSeconds: 42,
    });
    expect(describeFailure({ status: 429, retryAfterSeconds: 120, problem: null }, { fields }).form).toContain('2 minutes');
  });

  it('places a status the form knows about where the form says (409 next to the email)', () => {
    const errors = describeFailure(
      { status: 409, retryAfterSeconds: null, problem: { detail: 'Email already registered' } },
      { fields, messages: { 409: { field: 'email', message: 'An account with this email already exists.' } } },
    );
    expect(errors).toEqual({ fields: { email: 'An account with this email already exists.' } });
  });

  it('uses the backend sentence for other refusals, and a calm message for outages', () => {
    expect(describeFailure({ status: 401, retryAfterSeconds: null, problem: { detail: 'Incorrect email or password' } }, { fields }).form).toBe('Incorrect email or password.');
    expect(describeFailure({ status: 503, retryAfterSeconds: null, problem: null }, { fields }).form).toMatch(/could not reach the server/);
  });

  it('reads Retry-After in seconds or as a date', () => {
    expect(retryAfterSeconds(new Headers({ 'retry-after': '17' }))).toBe(17);
    const inAMinute = new Date(Date.now() + 60_000).toUTCString();
    expect(retryAfterSeconds(new Headers({ 'retry-after': inAMinute }))).toBeGreaterThanOrEqual(59);
    expect(retryAfterSeconds(new Headers())).toBeNull();
  });
});

describe('safeCallbackUrl', () => {
  it('keeps same-site paths and refuses everything that could leave the site', () => {
    expect(safeCallbackUrl('/settings')).toBe('/settings');
    expect(safeCallbackUrl('/dashboard?status=pending')).toBe('/dashboard?status=pending');
    for (const bad of ['https://evil.example', '//evil.example', '/\\evil.example', 'javascript:alert(1)', '', undefined, '/login', '/register?x=1']) {
      expect(safeCallbackUrl(bad)).toBe('/dashboard');
    }
  });

  it('judges the path a browser will resolve, not the text: dot segments and backslashes cannot make it start with //', () => {
    for (const bad of ['/..//evil.example', '/.//evil.example', '/%2e%2e//evil.example', '/.\\/evil.example', '/x/../login']) {
      expect(safeCallbackUrl(bad)).toBe('/dashboard');
    }
  });

  it('hands back only what a Location header can carry: a raw non-ASCII character is percent-encoded, once', () => {
    // Raw, it failed the signed-in redirect from /login with a 500 (Node refuses it in a header).
    expect(safeCallbackUrl('/dashboard?q=café')).toBe('/dashboard?q=caf%C3%A9');
    expect(safeCallbackUrl('/dashboard?q=caf%C3%A9')).toBe('/dashboard?q=caf%C3%A9');
    expect(safeCallbackUrl('/settings#sessions')).toBe('/settings#sessions');
  });
});

describe('task query', () => {
  it('parses URL state with safe defaults and writes it back without defaults', () => {
    const query = parseTaskQuery({ status: 'completed', priority: 'high', q: 'report', sort: '-priority', page: '3' });
    expect(query).toEqual({ status: 'completed', priority: 'high', q: 'report', sort: '-priority', page: 3 });
    expect(taskQueryString(query)).toBe('?status=completed&priority=high&q=report&sort=-priority&page=3');
    expect(parseTaskQuery({ status: 'bogus', priority: 'urgent', sort: 'DROP', page: '-2' })).toEqual({ status: 'all', priority: 'all', q: '', sort: '-createdAt', page: 1 });
    expect(taskQueryString(parseTaskQuery({}))).toBe('');
  });

  it('calls a task overdue only when it is not done and its UTC due date has passed', () => {
    expect(isOverdue({ completed: false, dueDate: '2026-01-01' }, '2026-01-02')).toBe(true);
    expect(isOverdue({ completed: true, dueDate: '2026-01-01' }, '2026-01-02')).toBe(false);
    expect(isOverdue({ completed: false, dueDate: '2026-01-02' }, '2026-01-02')).toBe(false);
    expect(isOverdue({ completed: false, dueDate: null }, '2026-01-02')).toBe(false);
  });
});
