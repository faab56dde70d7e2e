import { Body, Controller, Get, HttpCode, Post, Req, Res } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBody, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Inject } from '@nestjs/common';
import type { ClientMeta } from '../audit/audit.service.js';
import { Clock } from '../common/clock.js';
import { Client } from '../common/client-meta.js';
import { AcceptsForm } from '../common/decorators/accepts-form.decorator.js';
import { CurrentUser } from '../common/decorators/current-user.decorator.js';
import { Public } from '../common/decorators/public.decorator.js';
import { ApiBodyByMediaType, ApiProblem, ApiProblems, DetailResponse } from '../common/openapi.js';
import { unauthorized } from '../common/problem.js';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import type { IssuedTokens } from '../sessions/sessions.service.js';
import { toUserResponse, UserResponse } from '../users/dto/user.dto.js';
import type { PublicUser } from '../users/user.entity.js';
import { UsersService } from '../users/users.service.js';
import type { AuthUser } from './auth-user.js';
import { AuthService } from './auth.service.js';
import { clearAuthCookies, CLEARS_AUTH_COOKIES, REFRESH_COOKIE, setAuthCookies, SETS_AUTH_COOKIES } from './cookies.js';
import { ChangePasswordDto, ForgotPasswordDto, LoginFormDto, LoginJsonDto, REFRESH_BODY_EXAMPLES, RefreshDto, RegisterDto, ResetPasswordDto, TokensResponse } from './dto/auth.dto.js';
import { LoginBody } from './dto/login-body.js';
import { extractAccessToken } from './access-token.js';

const RESET_REQUESTED = 'If an account exists for this email, a password reset link has been sent to it.';

@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(
    private readonly auth: AuthService,
    private readonly users: UsersService,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Public()
  @Post('register')
  @HttpCode(201)
  @ApiOperation({ summary: 'Create an account and sign in (sets the access_token and refresh_token cookies)' })
  @ApiCreatedResponse({ type: UserResponse, description: 'The new account, signed in', headers: SETS_AUTH_COOKIES })
  @ApiProblems(409, 422, 429)
  async register(@Body() dto: RegisterDto, @Client() client: ClientMeta, @Res({ passthrough: true }) reply: FastifyReply): Promise<UserResponse> {
    const { user, tokens } = await this.auth.register(dto, client);
    setAuthCookies(reply, tokens, this.config, this.clock.now());
    return toUserResponse(user);
  }

  @Public()
  @Post('login')
  @HttpCode(200)
  @AcceptsForm()
  @ApiOperation({
    summary: 'Sign in with email and password',
    description: 'OAuth 2.0 password grant form (`username`, `password`; what Swagger’s Authorize sends) or JSON `{ email, password }`.',
  })
  @ApiBodyByMediaType({ 'application/x-www-form-urlencoded': LoginFormDto, 'application/json': LoginJsonDto })
  @ApiOkResponse({ type: TokensResponse, description: 'Signed in', headers: SETS_AUTH_COOKIES })
  @ApiProblems(401, 415, 422, 429)
  async login(@LoginBody() dto: LoginJsonDto | LoginFormDto, @Client() client: ClientMeta, @Res({ passthrough: true }) reply: FastifyReply): Promise<TokensResponse> {
    const { user, tokens } = await this.auth.login(dto instanceof LoginJsonDto ? dto.email : dto.username, dto.password, client);
    return this.tokenResponse(reply, user, tokens);
  }

  @Public()
  @Post('refresh')
  @HttpCode(200)
  @ApiOperation({ summary: 'Rotate the refresh token (from the refresh_token cookie or the body) for a new pair' })
  // The cookie alone is enough: the body is optional, which Nest's generated document would not say.
  @ApiBody({ type: RefreshDto, required: false, examples: REFRESH_BODY_EXAMPLES })
  @ApiOkResponse({ type: TokensResponse, description: 'A new pair; the presented refresh token is spent', headers: SETS_AUTH_COOKIES })
  @ApiProblems(401, 422, 429)
  async refresh(
    @Body() dto: RefreshDto,
    @Req() request: FastifyRequest,
    @Client() client: ClientMeta,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<TokensResponse> {
    const presented = dto.refresh_token ?? request.cookies[REFRESH_COOKIE];
    if (!presented) throw unauthorized('A refresh token is required.');
    const { user, tokens } = await this.auth.refresh(presented, client);
    return this.tokenResponse(reply, user, tokens);
  }

  @Public({ readsCredentials: true })
  @Post('logout')
  @HttpCode(200)
  @ApiOperation({ summary: 'End this session (refresh token from cookie/body and/or the bearer token); clears both cookies. Idempotent.' })
  @ApiBody({ type: RefreshDto, required: false, examples: REFRESH_BODY_EXAMPLES })
  @ApiOkResponse({ type: DetailResponse, description: 'Signed out (also when already signed out)', headers: CLEARS_AUTH_COOKIES })
  @ApiProblems(422, 429)
  async logout(
    @Body() dto: RefreshDto,
    @Req() request: FastifyRequest,
    @Client() client: ClientMeta,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<DetailResponse> {
    await this.auth.logout({ refreshToken: dto.refresh_token ?? request.cookies[REFRESH_COOKIE], accessToken: extractAccessToken(request) }, client);
    clearAuthCookies(reply, this.config);
    return { detail: 'Logged out' };
  }

  @Post('logout-all')
  @HttpCode(200)
  @ApiOperation({ summary: 'End every session of the current user, this one included; clears both cookies' })
  @ApiOkResponse({ type: DetailResponse, description: 'Signed out everywhere', headers: CLEARS_AUTH_COOKIES })
  @ApiProblems(401, 429)
  async logoutAll(@CurrentUser() caller: AuthUser, @Client() client: ClientMeta, @Res({ passthrough: true }) reply: FastifyReply): Promise<DetailResponse> {
    const count = await this.auth.logoutAll(caller, client);
    clearAuthCookies(reply, this.config);
    return { detail: `Logged out of ${count} session${count === 1 ? '' : 's'}` };
  }

  @Get('me')
  @ApiOperation({ summary: 'The current user' })
  @ApiOkResponse({ type: UserResponse })
  @ApiProblems(401)
  async me(@CurrentUser() caller: AuthUser): Promise<UserResponse> {
    return toUserResponse(await this.users.getCaller(caller));
  }

  @Post('change-password')
  @HttpCode(200)
  @ApiOperation({ summary: 'Change the password (needs the current one); every other session is revoked' })
  @ApiOkResponse({ type: DetailResponse })
  @ApiProblems(401, 422, 429)
  async changePassword(@CurrentUser() caller: AuthUser, @Body() dto: ChangePasswordDto, @Client() client: ClientMeta): Promise<DetailResponse> {
    await this.auth.changePassword(caller, dto.currentPassword, dto.newPassword, client);
    return { detail: 'Password changed. Other sessions have been signed out.' };
  }

  @Public()
  @Post('forgot-password')
  @HttpCode(202)
  @ApiOperation({ summary: 'Mail a password reset link; the same answer whether or not the email has an account' })
  @ApiAcceptedResponse({ type: DetailResponse })
  @ApiProblems(422, 429)
  forgotPassword(@Body() dto: ForgotPasswordDto, @Client() client: ClientMeta): DetailResponse {
    this.auth.requestPasswordReset(dto.email, client);
    return { detail: RESET_REQUESTED };
  }

  @Public()
  @Post('reset-password')
  @HttpCode(200)
  @ApiOperation({ summary: 'Set a new password with a reset token (single use, valid one hour); every session is revoked' })
  @ApiOkResponse({ type: DetailResponse })
  @ApiProblem(400, 'The reset token is invalid, already used or expired (or the body is malformed)')
  @ApiProblems(422, 429)
  async resetPassword(@Body() dto: ResetPasswordDto, @Client() client: ClientMeta): Promise<DetailResponse> {
    await this.auth.resetPassword(dto.token, dto.newPassword, client);
    return { detail: 'Password has been reset. Please sign in with your new password.' };
  }

  private tokenResponse(reply: FastifyReply, user: PublicUser, tokens: IssuedTokens): TokensResponse {
    setAuthCookies(reply, tokens, this.config, this.clock.now());
    // Token responses must not be cached by anything between us and the client (RFC 6749 §5.1).
    reply.header('Cache-Control', 'no-store');
    return {
      access_token: tokens.accessToken,
      refresh_token: tokens.refreshToken,
      token_type: 'bearer',
      expires_in: tokens.expiresIn,
      user: toUserResponse(user),
    };
  }
}
