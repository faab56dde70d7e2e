import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsBoolean, IsEmail, IsIn, IsInt, IsNotEmpty, IsOptional, IsString, Matches, Max, MaxLength, Min, MinLength, ValidateIf } from 'class-validator';
import { NormalizeEmail, Trim } from '../../common/validators.js';
import { ROLES, type PublicUser, type Role } from '../user.entity.js';

/** PostgreSQL text cannot hold U+0000: a NUL in a name or search reached the driver as a 500, not a 422. */
const NO_NUL = /^[^\u0000]*$/;

export class UserResponse {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ example: 'ada@example.com' })
  email: string;

  @ApiProperty({ type: String, nullable: true, example: 'Ada Lovelace' })
  name: string | null;

  @ApiProperty({ enum: ROLES })
  role: Role;

  @ApiProperty()
  isActive: boolean;

  @ApiProperty({ format: 'date-time' })
  createdAt: string;

  @ApiProperty({ format: 'date-time' })
  updatedAt: string;
}

/** The only way a user leaves the API: an explicit allow-list, so a hash can never slip out. */
export function toUserResponse(user: PublicUser): UserResponse {
  return {
    id: user.id,
    email: user.email,
    name: user.name,
    role: user.role,
    isActive: user.isActive,
    createdAt: user.createdAt.toISOString(),
    updatedAt: user.updatedAt.toISOString(),
  };
}

export class UpdateMeDto {
  @ApiPropertyOptional({ maxLength: 100, nullable: true })
  @IsOptional()
  @Trim()
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  @Matches(NO_NUL, { message: 'name must not contain NUL characters' })
  name?: string | null;

  @ApiPropertyOptional({ example: 'ada@example.com' })
  // Not @IsOptional(): it lets `null` through, which reached the NOT NULL column as a 500. Absent is
  // fine, null is a validation error (422).
  @ValidateIf((_o, v) => v !== undefined)
  @NormalizeEmail()
  @IsEmail({}, { message: 'email must be a valid email address' })
  @MaxLength(320)
  email?: string;
}

export class DeleteMeDto {
  @ApiProperty({ description: 'The current password, to confirm' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(1024)
  password: string;
}

export class AdminUpdateUserDto {
  // Absent means "leave it"; null must be a 422, not a NOT NULL violation (500) as with @IsOptional().
  @ApiPropertyOptional({ enum: ROLES })
  @ValidateIf((_o, v) => v !== undefined)
  @IsIn(ROLES, { message: `role must be one of ${ROLES.join(', ')}` })
  role?: Role;

  @ApiPropertyOptional()
  @ValidateIf((_o, v) => v !== undefined)
  @IsBoolean()
  isActive?: boolean;
}

export class ListUsersQuery {
  @ApiPropertyOptional({ minimum: 1, maximum: 100, default: 20 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  limit: number = 20;

  @ApiPropertyOptional({ minimum: 0, default: 0 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  // Unbounded, 1e20 passed @IsInt and overflowed PostgreSQL's bigint OFFSET: a 500, not a 422.
  @Max(Number.MAX_SAFE_INTEGER)
  offset: number = 0;

  @ApiPropertyOptional({ description: 'Case-insensitive substring of email or name', maxLength: 200 })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  @Matches(NO_NUL, { message: 'q must not contain NUL characters' })
  q?: string;
}

export class UserListResponse {
  @ApiProperty({ type: [UserResponse] })
  users: UserResponse[];

  @ApiProperty()
  total: number;

  @ApiProperty()
  limit: number;

  @ApiProperty()
  offset: number;
}
