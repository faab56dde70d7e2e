import * as z from 'zod';

/**
 * RFC 9457 problem details as the backend sends them. Parsed at runtime because an error body is
 * input like any other: a proxy in between may answer with HTML, or nothing at all.
 */
const problemSchema = z.object({
  type: z.string().optional(),
  title: z.string().optional(),
  status: z.number().optional(),
  detail: z.string().optional(),
  errors: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
});
export type Problem = z.infer<typeof problemSchema>;

export function parseProblem(body: unknown): Problem | null {
  const parsed = problemSchema.safeParse(body);
  return parsed.success ? parsed.data : null;
}

/** A backend answer that was not a success, reduced to what a form needs to explain it. */
export interface BackendFailure {
  status: number;
  problem: Problem | null;
  retryAfterSeconds: number | null;
}

export function retryAfterSeconds(headers: Headers): number | null {
  const raw = headers.get('retry-after');
  if (!raw) return null;
  const seconds = Number(raw);
  if (Number.isFinite(seconds)) return Math.max(1, Math.ceil(seconds));
  const date = Date.parse(raw);
  return Number.isNaN(date) ? null : Math.max(1, Math.ceil((date - Date.now()) / 1000));
}

export function failureFrom(response: Response, body: unknown): BackendFailure {
  return {
    status: response.status,
    problem: parseProblem(body),
    retryAfterSeconds: retryAfterSeconds(response.headers),
  };
}

/** Errors keyed by form field, plus one for the form as a whole; what every form renders. */
export interface FormErrors {
  form?: string;
  fields: Record<string, string>;
  retryAfterSeconds?: number;
}

export interface DescribeOptions {
  /** Field names the form shows; a backend error about any other field goes to the form message. */
  fields: readonly string[];
  /** Per-status wording for this form, e.g. where a 401 or a 409 belongs. */
  messages?: Partial<Record<number, { field?: string; message: string }>>;
}

function sentence(text: string): string {
  const trimmed = text.trim();
  if (!trimmed) return trimmed;
  const capital = trimmed[0]!.toUpperCase() + trimmed.slice(1);
  return /[.!?]$/.test(capital) ? capital : `${capital}.`;
}

export function waitPhrase(seconds: number): string {
  if (seconds < 60) return `${seconds} second${seconds === 1 ? '' : 's'}`;
  const minutes = Math.ceil(seconds / 60);
  return `${minutes} minute${minutes === 1 ? '' : 's'}`;
}

/** Turns a backend failure into words a person understands, placed next to the right field. */
export function describeFailure(failure: BackendFailure, options: DescribeOptions): FormErrors {
  const errors: FormErrors = { fields: {} };
  const custom = options.messages?.[failure.status];
  if (failure.status === 429) {
    const wait = failure.retryAfterSeconds ?? 60;
    errors.form = `Too many attempts. Please wait ${waitPhrase(wait)} and try again.`;
    errors.retryAfterSeconds = wait;
    return errors;
  }
  if (failure.status === 422 && failure.problem?.errors?.length) {
    for (const { field, message } of failure.problem.errors) {
      const name = field.split('.').pop() ?? field;
      if (options.fields.includes(name) && !errors.fields[name]) errors.fields[name] = sentence(message);
      else errors.form = sentence(message);
    }
    return errors;
  }
  if (custom) {
    if (custom.field && options.fields.includes(custom.field)) errors.fields[custom.field] = custom.message;
    else errors.form = custom.message;
    return errors;
  }
  if (failure.status === 0 || failure.status >= 500) {
    errors.form = 'We could not reach the server. Please try again in a moment.';
    return errors;
  }
  errors.form = failure.problem?.detail ? sentence(failure.problem.detail) : 'Something went wrong. Please try again.';
  return errors;
}
