import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';

/**
 * A query integer as decimal digits only: `Number()` would also read "1e1", "0x10" and " 1" (10, 16,
 * 1), which the document's `type: integer` does not allow. Anything else stays a string for
 * `@IsInt()` to refuse.
 */
const QueryInt = () => Transform(({ value }: { value: unknown }) => (typeof value === 'string' && /^-?\d{1,16}$/.test(value) ? Number(value) : value));

/** `?limit&offset` of every list route; extend it with the route's own filters. */
export class PaginationQuery {
  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 100, default: 20 })
  @IsOptional()
  @QueryInt()
  @IsInt()
  @Min(1)
  @Max(100)
  limit: number = 20;

  @ApiPropertyOptional({ type: 'integer', minimum: 0, default: 0 })
  @IsOptional()
  @QueryInt()
  @IsInt()
  @Min(0)
  // Unbounded, 1e20 passed @IsInt and overflowed PostgreSQL's bigint OFFSET: a 500, not a 422.
  @Max(Number.MAX_SAFE_INTEGER)
  offset: number = 0;
}
