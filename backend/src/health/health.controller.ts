import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, TypeOrmHealthIndicator } from '@nestjs/terminus';
import { Public } from '../common/decorators/public.decorator.js';
import { ApiProblems } from '../common/openapi.js';

export class HealthResponse {
  @ApiProperty({ example: 'ok' }) status: string;
  @ApiProperty({ example: { database: { status: 'up' } } }) info: Record<string, unknown>;
}

@ApiTags('operations')
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly db: TypeOrmHealthIndicator,
  ) {}

  @Public()
  @Get()
  @HealthCheck({ swaggerDocumentation: false })
  @ApiOperation({ summary: 'Liveness and database reachability: 200 when the database answers, 503 when it does not' })
  @ApiOkResponse({ type: HealthResponse })
  @ApiProblems(503)
  async check(): Promise<HealthResponse> {
    const result = await this.health.check([() => this.db.pingCheck('database', { timeout: 2000 })]);
    return { status: result.status, info: result.info ?? {} };
  }
}
