import { ValidationPipe, type ArgumentMetadata, type ValidationError } from '@nestjs/common';
import { ProblemException, type FieldError } from './problem.js';

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

/** Path of the first string holding U+0000 (PostgreSQL text cannot store it), if any. */
function findNul(value: unknown, path: string): string | undefined {
  if (typeof value === 'string') return value.includes('\u0000') ? path : undefined;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i += 1) {
      const found = findNul(value[i], `${path}.${i}`);
      if (found !== undefined) return found;
    }
  } else if (typeof value === 'object' && value !== null) {
    for (const [key, child] of Object.entries(value)) {
      const found = findNul(child, path ? `${path}.${key}` : key);
      if (found !== undefined) return found;
    }
  }
  return undefined;
}

class AppValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type !== 'custom') {
      const field = findNul(value, metadata.data ?? '');
      if (field !== undefined) {
        throw new ProblemException(422, 'The request contains invalid fields.', [{ field: field || metadata.type, message: 'Text must not contain NUL characters.' }]);
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
