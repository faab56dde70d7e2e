import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsOptional, registerDecorator } from 'class-validator';

/**
 * A query integer as decimal digits only: `Number()` would also read "1e1", "0x10" and " 1" (10, 16,
 * 1), which the document's `type: integer` does not allow. Anything else stays a string for
 * `@IsIntFrom()` to refuse.
 */
const QueryInt = () => Transform(({ value }: { value: unknown }) => (typeof value === 'string' && /^-?\d{1,16}$/.test(value) ? Number(value) : value));

/**
 * An integer from `min` to `max`, with one message that says so. class-validator's @IsInt, @Min and
 * @Max each answered `?limit=abc`, two of them falsely ("must not be greater than 100").
 */
function IsIntFrom(min: number, max: number): PropertyDecorator {
  return (target: object, propertyName: string | symbol) =>
    registerDecorator({
      name: 'isIntFrom',
      target: target.constructor,
      propertyName: propertyName as string,
      constraints: [min, max],
      options: { message: `${String(propertyName)} must be an integer ${max === Number.MAX_SAFE_INTEGER ? `of at least ${min}` : `from ${min} to ${max}`}` },
      validator: { validate: (value: unknown) => Number.isSafeInteger(value) && (value as number) >= min && (value as number) <= max },
    });
}

/** `?limit&offset` of every list route; extend it with the route's own filters. */
export class PaginationQuery {
  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 100, default: 20 })
  @IsOptional()
  @QueryInt()
  @IsIntFrom(1, 100)
  limit: number = 20;

  @ApiPropertyOptional({ type: 'integer', minimum: 0, default: 0 })
  @IsOptional()
  @QueryInt()
  // Unbounded, 1e20 passed @IsInt and overflowed PostgreSQL's bigint OFFSET: a 500, not a 422.
  @IsIntFrom(0, Number.MAX_SAFE_INTEGER)
  offset: number = 0;
}
