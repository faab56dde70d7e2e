import { Transform } from 'class-transformer';
import { registerDecorator, type ValidationOptions } from 'class-validator';

export const PASSWORD_MIN = 8;
export const PASSWORD_MAX = 128;

/**
 * 8–128 characters counted as Unicode code points (an emoji is one character, not two UTF-16 units).
 * Nothing is trimmed or truncated: the password hashed is exactly the password typed.
 */
export function IsPassword(options?: ValidationOptions): PropertyDecorator {
  return (target: object, propertyName: string | symbol) =>
    registerDecorator({
      name: 'isPassword',
      target: target.constructor,
      propertyName: propertyName as string,
      options: { message: `password must be between ${PASSWORD_MIN} and ${PASSWORD_MAX} characters`, ...options },
      validator: {
        validate: (value: unknown) => {
          if (typeof value !== 'string') return false;
          const length = [...value].length;
          return length >= PASSWORD_MIN && length <= PASSWORD_MAX;
        },
      },
    });
}

/**
 * At most `max` characters, counted as PostgreSQL counts varchar(n): Unicode code points; pair it
 * with @IsString or @IsEmail, which refuse what is not a string. Use it
 * instead of class-validator's @MaxLength, which does not count the variation selectors U+FE0E and
 * U+FE0F: "❤️" × 200 passed @MaxLength(200) and then failed the INSERT into varchar(200), a 500
 * instead of a 422.
 */
export function MaxChars(max: number, options?: ValidationOptions): PropertyDecorator {
  return (target: object, propertyName: string | symbol) =>
    registerDecorator({
      name: 'maxChars',
      target: target.constructor,
      propertyName: propertyName as string,
      constraints: [max],
      options: { message: `${String(propertyName)} must be shorter than or equal to ${max} characters`, ...options },
      validator: {
        // The type is @IsString's or @IsEmail's to report (a missing field is not "too long"). A code
        // point is one or two UTF-16 units: only strings between max and 2 × max units need counting.
        validate: (value: unknown) =>
          typeof value !== 'string' || value.length <= max || (value.length <= 2 * max && [...value].length <= max),
      },
    });
}

/**
 * The one spelling of an email the API stores and looks up: without surrounding spaces, lower case,
 * and in Unicode's composed form (NFC, as RFC 6532 asks of internationalized addresses), so that
 * "josé" typed with a combining accent and with a precomposed "é" is one account, not two that look
 * alike.
 */
export function canonicalEmail(email: string): string {
  return email.trim().toLowerCase().normalize('NFC');
}

/** Emails are compared in their canonical spelling: normalize once, at the boundary. */
export const NormalizeEmail = (): PropertyDecorator => Transform(({ value }) => (typeof value === 'string' ? canonicalEmail(value) : value));

/**
 * Search text in composed Unicode (NFC), the form emails are stored in: "é" typed as "e" and a
 * combining accent (macOS input, text copied from a PDF) otherwise matched nothing.
 */
export const ComposeUnicode = (): PropertyDecorator => Transform(({ value }) => (typeof value === 'string' ? value.normalize('NFC') : value));

export const Trim = (): PropertyDecorator => Transform(({ value }) => (typeof value === 'string' ? value.trim() : value));

/** A real calendar date written YYYY-MM-DD (2024-02-30 is refused). */
export function IsCalendarDate(options?: ValidationOptions): PropertyDecorator {
  return (target: object, propertyName: string | symbol) =>
    registerDecorator({
      name: 'isCalendarDate',
      target: target.constructor,
      propertyName: propertyName as string,
      options: { message: `${String(propertyName)} must be a date in YYYY-MM-DD format`, ...options },
      validator: {
        validate: (value: unknown) => {
          if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
          const date = new Date(`${value}T00:00:00Z`);
          // Year 0000 is a valid ISO date but not a PostgreSQL one.
          return !Number.isNaN(date.getTime()) && date.getUTCFullYear() >= 1 && date.toISOString().slice(0, 10) === value;
        },
      },
    });
}

/** Query-string booleans: exactly "true" or "false"; anything else stays a string and fails @IsBoolean. */
export const ToBoolean = (): PropertyDecorator =>
  Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value));
