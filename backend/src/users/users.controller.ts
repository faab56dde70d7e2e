import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Query } from '@nestjs/common';
import { ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { ClientMeta } from '../audit/audit.service.js';
import type { AuthUser } from '../auth/auth-user.js';
import { Client } from '../common/client-meta.js';
import { CurrentUser } from '../common/decorators/current-user.decorator.js';
import { Roles } from '../common/decorators/roles.decorator.js';
import { ApiProblem, ApiProblems } from '../common/openapi.js';
import { UuidParam } from '../common/uuid-param.js';
import { AdminUpdateUserDto, DeleteMeDto, ListUsersQuery, toUserResponse, UpdateMeDto, UserListResponse, UserResponse } from './dto/user.dto.js';
import { UsersService } from './users.service.js';

@ApiTags('users')
@Controller('users')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Get('me')
  @ApiOperation({ summary: 'The current user' })
  @ApiOkResponse({ type: UserResponse })
  @ApiProblems(401)
  async me(@CurrentUser() caller: AuthUser): Promise<UserResponse> {
    return toUserResponse(await this.users.getCaller(caller));
  }

  @Patch('me')
  @ApiOperation({ summary: 'Update the current user’s name and/or email (emails are unique ignoring case; a new email needs currentPassword)' })
  @ApiOkResponse({ type: UserResponse })
  @ApiProblems(401, 409, 422, 429)
  async updateMe(@CurrentUser() caller: AuthUser, @Body() dto: UpdateMeDto, @Client() client: ClientMeta): Promise<UserResponse> {
    return toUserResponse(await this.users.updateMe(caller, dto, client));
  }

  @Delete('me')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete the current user with their tasks and sessions (needs the password; the last active admin cannot)' })
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiProblem(409, 'The caller is the last active admin')
  @ApiProblems(401, 422)
  async deleteMe(@CurrentUser() caller: AuthUser, @Body() dto: DeleteMeDto, @Client() client: ClientMeta): Promise<void> {
    await this.users.deleteMe(caller, dto.password, client);
  }

  @Get()
  @Roles('admin')
  @ApiOperation({ summary: 'List users, newest first; `q` searches email and name' })
  @ApiOkResponse({ type: UserListResponse })
  @ApiProblems(401, 422)
  async list(@Query() query: ListUsersQuery): Promise<UserListResponse> {
    const { users, total } = await this.users.list(query);
    return { users: users.map(toUserResponse), total, limit: query.limit, offset: query.offset };
  }

  @Get(':id')
  @Roles('admin')
  @ApiOperation({ summary: 'One user' })
  @ApiOkResponse({ type: UserResponse })
  @ApiProblems(401, 404)
  async get(@Param('id', UuidParam()) id: string): Promise<UserResponse> {
    return toUserResponse(await this.users.get(id));
  }

  @Patch(':id')
  @ApiProblem(403, 'An admin cannot change their own role or disable their own account')
  @Roles('admin')
  @ApiOperation({ summary: 'Change a user’s role or disable/enable them; disabling revokes all their sessions at once' })
  @ApiOkResponse({ type: UserResponse })
  @ApiProblems(401, 404, 422)
  async update(@CurrentUser() admin: AuthUser, @Param('id', UuidParam()) id: string, @Body() dto: AdminUpdateUserDto, @Client() client: ClientMeta): Promise<UserResponse> {
    return toUserResponse(await this.users.adminUpdate(admin, id, dto, client));
  }
}
