import { Controller, Delete, Get, HttpCode, Param } from '@nestjs/common';
import { ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { ClientMeta } from '../audit/audit.service.js';
import type { AuthUser } from '../auth/auth-user.js';
import { SessionResponse } from '../auth/dto/auth.dto.js';
import { Client } from '../common/client-meta.js';
import { CurrentUser } from '../common/decorators/current-user.decorator.js';
import { ApiProblems } from '../common/openapi.js';
import { UuidParam } from '../common/uuid-param.js';
import { SessionsService } from './sessions.service.js';

@ApiTags('auth')
@Controller('auth/sessions')
export class SessionsController {
  constructor(private readonly sessions: SessionsService) {}

  @Get()
  @ApiOperation({ summary: 'The current user’s active sessions (devices), most recently used first' })
  @ApiOkResponse({ type: [SessionResponse] })
  @ApiProblems(401)
  async list(@CurrentUser() caller: AuthUser): Promise<SessionResponse[]> {
    const sessions = await this.sessions.listForUser(caller.id, caller.sessionId);
    return sessions.map((s) => ({
      ...s,
      createdAt: s.createdAt.toISOString(),
      lastUsedAt: s.lastUsedAt.toISOString(),
      expiresAt: s.expiresAt.toISOString(),
    }));
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Revoke one of the current user’s sessions' })
  @ApiNoContentResponse({ description: 'Revoked' })
  @ApiProblems(401, 404)
  async revoke(@CurrentUser() caller: AuthUser, @Param('id', UuidParam()) id: string, @Client() client: ClientMeta): Promise<void> {
    await this.sessions.revokeOwned(caller, id, client);
  }
}
