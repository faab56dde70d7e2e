import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsNotEmpty, IsOptional, IsString, ValidateIf } from 'class-validator';
import { PaginationQuery } from '../../common/pagination.js';
import { IsCalendarDate, MaxChars, ToBoolean, Trim } from '../../common/validators.js';
import { PRIORITIES, type Priority } from '../task.entity.js';

export const TASK_SORTS = ['createdAt', '-createdAt', 'dueDate', '-dueDate', 'priority', '-priority', 'title', '-title'] as const;
export type TaskSort = (typeof TASK_SORTS)[number];

export class TaskResponse {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ minLength: 1, maxLength: 200 }) title: string;
  @ApiProperty({ type: String, nullable: true, maxLength: 2000 }) description: string | null;
  @ApiProperty() completed: boolean;
  @ApiProperty({ enum: PRIORITIES }) priority: Priority;
  @ApiProperty({ type: String, format: 'date', nullable: true, example: '2026-12-31' }) dueDate: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;
}

export class CreateTaskDto {
  @ApiProperty({ minLength: 1, maxLength: 200, example: 'Write the quarterly report' })
  @Trim()
  @IsString()
  @IsNotEmpty({ message: 'title must not be empty' })
  @MaxChars(200)
  title: string;

  @ApiPropertyOptional({ type: String, nullable: true, maxLength: 2000 })
  @IsOptional()
  @IsString()
  @MaxChars(2000)
  description?: string | null;

  // Absent takes the default; null is a 422 (@IsOptional() would let it through to the NOT NULL column).
  @ApiPropertyOptional({ default: false })
  @ValidateIf((_o, v) => v !== undefined)
  @IsBoolean()
  completed?: boolean;

  @ApiPropertyOptional({ enum: PRIORITIES, default: 'medium' })
  @ValidateIf((_o, v) => v !== undefined)
  @IsIn(PRIORITIES, { message: `priority must be one of ${PRIORITIES.join(', ')}` })
  priority?: Priority;

  @ApiPropertyOptional({ type: String, format: 'date', nullable: true, example: '2026-12-31' })
  @IsOptional()
  @IsCalendarDate()
  dueDate?: string | null;
}

/**
 * Any subset of the create fields. Written out rather than PartialType(CreateTaskDto): PartialType
 * marks fields @IsOptional, which also lets `null` through, and `title: null` must be refused.
 */
export class UpdateTaskDto {
  @ApiPropertyOptional({ minLength: 1, maxLength: 200 })
  @ValidateIf((_o, v) => v !== undefined)
  @Trim()
  @IsString()
  @IsNotEmpty({ message: 'title must not be empty' })
  @MaxChars(200)
  title?: string;

  @ApiPropertyOptional({ type: String, nullable: true, maxLength: 2000 })
  @IsOptional()
  @IsString()
  @MaxChars(2000)
  description?: string | null;

  @ApiPropertyOptional()
  @ValidateIf((_o, v) => v !== undefined)
  @IsBoolean()
  completed?: boolean;

  @ApiPropertyOptional({ enum: PRIORITIES })
  @ValidateIf((_o, v) => v !== undefined)
  @IsIn(PRIORITIES, { message: `priority must be one of ${PRIORITIES.join(', ')}` })
  priority?: Priority;

  @ApiPropertyOptional({ type: String, format: 'date', nullable: true })
  @IsOptional()
  @IsCalendarDate()
  dueDate?: string | null;
}

export class ListTasksQuery extends PaginationQuery {
  @ApiPropertyOptional({ type: Boolean })
  @IsOptional()
  @ToBoolean()
  @IsBoolean({ message: 'completed must be true or false' })
  completed?: boolean;

  @ApiPropertyOptional({ enum: PRIORITIES })
  @IsOptional()
  @IsIn(PRIORITIES, { message: `priority must be one of ${PRIORITIES.join(', ')}` })
  priority?: Priority;

  @ApiPropertyOptional({ description: 'Case-insensitive substring of title or description', maxLength: 200 })
  @IsOptional()
  @IsString()
  @MaxChars(200)
  q?: string;

  @ApiPropertyOptional({ enum: TASK_SORTS, default: '-createdAt' })
  @IsOptional()
  @IsIn(TASK_SORTS, { message: `sort must be one of ${TASK_SORTS.join(', ')}` })
  sort: TaskSort = '-createdAt';
}

export class TaskListResponse {
  @ApiProperty({ type: [TaskResponse] }) tasks: TaskResponse[];
  @ApiProperty({ type: 'integer' }) total: number;
  @ApiProperty({ type: 'integer' }) limit: number;
  @ApiProperty({ type: 'integer' }) offset: number;
}

export class TaskStatsResponse {
  @ApiProperty({ type: 'integer' }) total: number;
  @ApiProperty({ type: 'integer' }) completed: number;
  @ApiProperty({ type: 'integer' }) pending: number;
  @ApiProperty({ type: 'integer', description: 'Not completed and due before today (UTC)' }) overdue: number;
}
