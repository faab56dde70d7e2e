import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { AuthUser } from '../auth/auth-user.js';
import { CurrentUser } from '../common/decorators/current-user.decorator.js';
import { ApiProblems } from '../common/openapi.js';
import { UuidParam } from '../common/uuid-param.js';
import { CreateTaskDto, ListTasksQuery, TaskListResponse, TaskResponse, TaskStatsResponse, UpdateTaskDto } from './dto/task.dto.js';
import { TasksService, toTaskResponse } from './tasks.service.js';

@ApiTags('tasks')
@Controller('tasks')
export class TasksController {
  constructor(private readonly tasks: TasksService) {}

  @Get()
  @ApiOperation({ summary: 'The caller’s tasks: filter, search, sort, paginate' })
  @ApiOkResponse({ type: TaskListResponse })
  @ApiProblems(401, 422)
  async list(@CurrentUser() caller: AuthUser, @Query() query: ListTasksQuery): Promise<TaskListResponse> {
    const { tasks, total } = await this.tasks.search(caller, query);
    return { tasks, total, limit: query.limit, offset: query.offset };
  }

  @Post()
  @ApiOperation({ summary: 'Create a task' })
  @ApiCreatedResponse({ type: TaskResponse })
  @ApiProblems(401, 422)
  async create(@CurrentUser() caller: AuthUser, @Body() dto: CreateTaskDto): Promise<TaskResponse> {
    return toTaskResponse(await this.tasks.create(caller, dto));
  }

  @Get(':id')
  @ApiOperation({ summary: 'One task' })
  @ApiOkResponse({ type: TaskResponse })
  @ApiProblems(401, 404)
  async get(@CurrentUser() caller: AuthUser, @Param('id', UuidParam()) id: string): Promise<TaskResponse> {
    return toTaskResponse(await this.tasks.get(caller, id));
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Update any subset of a task’s fields' })
  @ApiOkResponse({ type: TaskResponse })
  @ApiProblems(401, 404, 422)
  async update(@CurrentUser() caller: AuthUser, @Param('id', UuidParam()) id: string, @Body() dto: UpdateTaskDto): Promise<TaskResponse> {
    return toTaskResponse(await this.tasks.update(caller, id, dto));
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a task' })
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiProblems(401, 404)
  async remove(@CurrentUser() caller: AuthUser, @Param('id', UuidParam()) id: string): Promise<void> {
    await this.tasks.remove(caller, id);
  }
}

@ApiTags('tasks')
@Controller('stats')
export class StatsController {
  constructor(private readonly tasks: TasksService) {}

  @Get()
  @ApiOperation({ summary: 'Counts of the caller’s tasks' })
  @ApiOkResponse({ type: TaskStatsResponse })
  @ApiProblems(401)
  stats(@CurrentUser() caller: AuthUser): Promise<TaskStatsResponse> {
    return this.tasks.stats(caller);
  }
}
