import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsEmail, IsIn, IsNotEmpty, IsOptional, IsString, MinLength } from 'class-validator';
import { IsPassword, MaxChars, NormalizeEmail, Trim } from '../../common/validators.js';
import { UserResponse } from '../../users/dto/user.dto.js';

export class RegisterDto {
  @ApiProperty({ example: 'ada@example.com', format: 'email', maxLength: 320 })
  @NormalizeEmail()
  @IsEmail({}, { message: 'email must be a valid email address' })
  @MaxChars(320)
  email: string;

  @ApiProperty({ example: 'correct horse battery staple', minLength: 8, maxLength: 128, description: '8–128 characters, any Unicode' })
  @IsPassword()
  password: string;

  @ApiPropertyOptional({ type: String, example: 'Ada Lovelace', minLength: 1, maxLength: 100, nullable: true })
  @IsOptional()
  @Trim()
  @IsString()
  @MinLength(1)
  @MaxChars(100)
  name?: string | null;
}

/** Sign-in's password, the same in both of its media types. */
class LoginPassword {
  @ApiProperty({ example: 'correct horse battery staple', minLength: 1, maxLength: 1024 })
  @IsString()
  @IsNotEmpty()
  @MaxChars(1024)
  password: string;
}

/** Sign-in's JSON body. */
export class LoginJsonDto extends LoginPassword {
  @ApiProperty({ example: 'ada@example.com', maxLength: 320, description: 'The account email' })
  @NormalizeEmail()
  @IsString({ message: 'email is required' })
  @IsNotEmpty({ message: 'email is required' })
  @MaxChars(320)
  email: string;
}

/**
 * Sign-in's OAuth 2.0 password-grant form, what Swagger's Authorize sends. The grant's other fields
 * are accepted and ignored; a grant_type other than "password" is refused, as RFC 6749 §4.3.2 asks.
 */
export class LoginFormDto extends LoginPassword {
  @ApiProperty({ example: 'ada@example.com', maxLength: 320, description: 'The account email (OAuth 2.0 calls it username)' })
  @NormalizeEmail()
  @IsString({ message: 'username is required' })
  @IsNotEmpty({ message: 'username is required' })
  @MaxChars(320)
  username: string;

  @ApiPropertyOptional({ enum: ['password'] })
  @IsOptional()
  @IsIn(['password'], { message: 'grant_type must be "password"' })
  grant_type?: string;

  @ApiPropertyOptional({ maxLength: 1024, description: 'Ignored' })
  @IsOptional()
  @IsString()
  @MaxChars(1024)
  scope?: string;

  @ApiPropertyOptional({ maxLength: 256, description: 'Ignored' })
  @IsOptional()
  @IsString()
  @MaxChars(256)
  client_id?: string;

  @ApiPropertyOptional({ maxLength: 1024, description: 'Ignored' })
  @IsOptional()
  @IsString()
  @MaxChars(1024)
  client_secret?: string;
}

/**
 * What Swagger UI prefills for refresh and sign-out: its first example. Without one it built
 * `{ "refresh_token": "string" }`, which replaces the cookie a signed-in browser already sends, so
 * "Try it out" answered 401 to a user holding a valid refresh token.
 */
export const REFRESH_BODY_EXAMPLES = {
  cookie: { summary: 'Empty: the refresh_token cookie is used', value: {} },
  body: { summary: 'The refresh token in the body (a client without cookies)', value: { refresh_token: '<refresh_token from login>' } },
};

export class RefreshDto {
  @ApiPropertyOptional({ minLength: 1, maxLength: 512, description: 'Taken from the refresh_token cookie when absent' })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxChars(512)
  refresh_token?: string;
}

export class ChangePasswordDto {
  @ApiProperty({ minLength: 1, maxLength: 1024 })
  @IsString()
  @IsNotEmpty()
  @MaxChars(1024)
  currentPassword: string;

  @ApiProperty({ minLength: 8, maxLength: 128 })
  @IsPassword()
  newPassword: string;
}

export class ForgotPasswordDto {
  @ApiProperty({ example: 'ada@example.com', format: 'email', maxLength: 320 })
  @NormalizeEmail()
  @IsEmail({}, { message: 'email must be a valid email address' })
  @MaxChars(320)
  email: string;
}

export class ResetPasswordDto {
  @ApiProperty({ minLength: 1, maxLength: 512, description: 'The token from the reset link' })
  @IsString()
  @IsNotEmpty()
  @MaxChars(512)
  token: string;

  @ApiProperty({ minLength: 8, maxLength: 128 })
  @IsPassword()
  newPassword: string;
}

export class TokensResponse {
  @ApiProperty({ description: 'JWT access token' })
  access_token: string;

  @ApiProperty({ description: 'Opaque refresh token; rotated on every use' })
  refresh_token: string;

  @ApiProperty({ enum: ['bearer'] })
  token_type: 'bearer';

  @ApiProperty({ type: 'integer', description: 'Seconds until the access token expires', example: 1800 })
  expires_in: number;

  @ApiProperty({ type: UserResponse })
  user: UserResponse;
}

export class SessionResponse {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ format: 'date-time' })
  createdAt: string;

  @ApiProperty({ format: 'date-time' })
  lastUsedAt: string;

  @ApiProperty({ format: 'date-time' })
  expiresAt: string;

  @ApiProperty({ type: String, nullable: true })
  userAgent: string | null;

  @ApiProperty({ type: String, nullable: true })
  ip: string | null;

  @ApiProperty({ description: 'The session of the access token making this request' })
  current: boolean;
}
