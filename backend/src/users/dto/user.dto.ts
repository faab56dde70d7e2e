import { PaginationQuery } from '../../common/pagination.js';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsEmail, IsIn, IsNotEmpty, IsOptional, IsString, MinLength, ValidateIf } from 'class-validator';
import { ComposeUnicode, MaxChars, NormalizeEmail, Trim } from '../../common/validators.js';
import { ROLES, type PublicUser, type Role } from '../user.entity.js';


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
  @ApiPropertyOptional({ type: String, minLength: 1, maxLength: 100, nullable: true })
  @IsOptional()
  @Trim()
  @IsString()
  @MinLength(1)
  @MaxChars(100)
  name?: string | null;

  @ApiPropertyOptional({ example: 'ada@example.com', format: 'email', maxLength: 320 })
  // Not @IsOptional(): it lets `null` through, which reached the NOT NULL column as a 500. Absent is
  // fine, null is a validation error (422).
  @ValidateIf((_o, v) => v !== undefined)
  @NormalizeEmail()
  @IsEmail({}, { message: 'email must be a valid email address' })
  @MaxChars(320)
  email?: string;

  @ApiPropertyOptional({ minLength: 1, maxLength: 1024, description: 'The current password: required to change the email (401 when wrong), ignored otherwise' })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxChars(1024)
  currentPassword?: string;
}

export class DeleteMeDto {
  @ApiProperty({ minLength: 1, maxLength: 1024, description: 'The current password, to confirm' })
  @IsString()
  @IsNotEmpty()
  @MaxChars(1024)
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

export class ListUsersQuery extends PaginationQuery {
  @ApiPropertyOptional({ description: 'Case-insensitive substring of email or name', maxLength: 200 })
  @IsOptional()
  @ComposeUnicode()
  @IsString()
  @MaxChars(200)
  q?: string;
}

export class UserListResponse {
  @ApiProperty({ type: [UserResponse] })
  users: UserResponse[];

  @ApiProperty({ type: 'integer' })
  total: number;

  @ApiProperty({ type: 'integer' })
  limit: number;

  @ApiProperty({ type: 'integer' })
  offset: number;
}
