import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { InjectRepository } from '@nestjs/typeorm';
import { IsIn, IsOptional, IsUUID } from 'class-validator';
import type { Repository } from 'typeorm';
import { Roles } from '../common/decorators/roles.decorator.js';
import { ApiProblems } from '../common/openapi.js';
import { PaginationQuery } from '../common/pagination.js';
import { AUTH_EVENT_TYPES, AuthEvent, type AuthEventType } from './auth-event.entity.js';

export class ListAuthEventsQuery extends PaginationQuery {
  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  userId?: string;

  @ApiPropertyOptional({ enum: AUTH_EVENT_TYPES })
  @IsOptional()
  @IsIn(AUTH_EVENT_TYPES)
  type?: AuthEventType;
}

export class AuthEventResponse {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ enum: AUTH_EVENT_TYPES }) type: AuthEventType;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) userId: string | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) sessionId: string | null;
  @ApiProperty({ type: String, nullable: true }) ip: string | null;
  @ApiProperty({ type: String, nullable: true }) userAgent: string | null;
  @ApiProperty({ type: Object, nullable: true, additionalProperties: true }) detail: Record<string, unknown> | null;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
}

export class AuthEventListResponse {
  @ApiProperty({ type: [AuthEventResponse] }) events: AuthEventResponse[];
  @ApiProperty({ type: 'integer' }) total: number;
  @ApiProperty({ type: 'integer' }) limit: number;
  @ApiProperty({ type: 'integer' }) offset: number;
}

@ApiTags('admin')
@Controller('admin/auth-events')
@Roles('admin')
export class AuditController {
  constructor(@InjectRepository(AuthEvent) private readonly events: Repository<AuthEvent>) {}

  @Get()
  @ApiOperation({ summary: 'The security audit trail, newest first, filterable by user and type' })
  @ApiOkResponse({ type: AuthEventListResponse })
  @ApiProblems(401, 422)
  async list(@Query() query: ListAuthEventsQuery): Promise<AuthEventListResponse> {
    const where: { userId?: string; type?: AuthEventType } = {};
    if (query.userId) where.userId = query.userId;
    if (query.type) where.type = query.type;
    const [rows, total] = await this.events.findAndCount({ where, order: { createdAt: 'DESC', id: 'DESC' }, take: query.limit, skip: query.offset });
    return {
      events: rows.map((e) => ({ ...e, createdAt: e.createdAt.toISOString() })),
      total,
      limit: query.limit,
      offset: query.offset,
    };
  }
}
