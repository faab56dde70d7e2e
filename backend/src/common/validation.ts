import { ValidationPipe, type ArgumentMetadata, type ValidationError } from '@nestjs/common';
import { notFound, ProblemException, type FieldError } from './problem.js';

function flatten(errors: ValidationError[], parent = ''): FieldError[] {
  const out: FieldError[] = [];
  for (const error of errors) {
    const field = parent ? `${parent}.${error.property}` : error.property;
    if (error.constraints) {
      // Unknown fields get one clear message instead of class-validator's wording.
      const messages = Object.entries(error.constraints).map(([rule, message]) =>
        rule === 'whitelistValidation' ? 'This field is not allowed.' : message,
      );
      // One line per distinct message: "email is required" from @IsString and @IsNotEmpty is one.
      for (const message of new Set(messages)) out.push({ field, message });
    }
    if (error.children?.length) out.push(...flatten(error.children, field));
  }
  return out;
}

/** Why PostgreSQL could not store this text as sent, if it could not. */
function unstorable(text: string): string | undefined {
  if (text.includes('\u0000')) return 'Text must not contain NUL characters.';
  // A lone surrogate (JSON allows "\ud800") would make validator's isEmail throw, and anywhere else
  // be stored, or hashed, as U+FFFD: two different passwords would then match.
  if (!text.isWellFormed()) return 'Text must be well-formed Unicode (no unpaired surrogates).';
  return undefined;
}

/** Deeper than any DTO goes; class-transformer and class-validator recurse, so depth must be bounded before them. */
const MAX_DEPTH = 32;

/**
 * The first value the pipe must refuse before the validators see it: text PostgreSQL could not
 * store as sent, or nesting deeper than MAX_DEPTH. Iterative: a 4 KB body can nest arrays 2 000
 * deep, and a recursive walk would answer it with a stack overflow (500).
 */
function findUnacceptable(root: unknown, rootPath: string): FieldError | undefined {
  const pending: [unknown, string, number][] = [[root, rootPath, 0]];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const [value, path, depth] = next;
    if (typeof value === 'string') {
      const message = unstorable(value);
      if (message !== undefined) return { field: path, message };
    } else if (typeof value === 'object' && value !== null) {
      if (depth === MAX_DEPTH) return { field: path, message: `Values may not nest more than ${MAX_DEPTH} levels deep.` };
      const entries = Array.isArray(value) ? value.map((child, i) => [String(i), child] as const) : Object.entries(value);
      // Reversed onto the stack, so the first field in document order is the one reported.
      for (let i = entries.length - 1; i >= 0; i -= 1) pending.push([entries[i][1], path ? `${path}.${entries[i][0]}` : entries[i][0], depth + 1]);
    }
  }
  return undefined;
}

class AppValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type !== 'custom') {
      const found = findUnacceptable(value, metadata.data ?? '');
      // No stored resource can be named by text the database could not store.
      if (found !== undefined && metadata.type === 'param') throw notFound();
      if (found !== undefined) {
        throw new ProblemException(422, 'The request contains invalid fields.', [{ field: found.field || metadata.type, message: found.message }]);
      }
    }
    return super.transform(value, metadata);
  }
}

/**
 * Global validation: DTO classes are the contract. Unknown fields are refused (never silently
 * stored) and every failure is a 422 problem listing each field.
 */
export function createValidationPipe(): ValidationPipe {
  return new AppValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    transformOptions: { enableImplicitConversion: false },
    validationError: { target: false, value: false },
    stopAtFirstError: false,
    exceptionFactory: (errors) => new ProblemException(422, 'The request contains invalid fields.', flatten(errors)),
  });
}
