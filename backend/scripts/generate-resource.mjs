#!/usr/bin/env node
// npm run generate:resource -- <name> [--plural <plural>]
//
// Creates an owned resource module (entity, migration, DTOs, service on OwnedResourceService,
// controller, module, e2e suite on the test kit) and registers it (AppModule, data source, the
// OpenAPI contract test). The result builds and its suite passes as generated; then make it yours.
// See docs/extending.md.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const backend = resolve(dirname(fileURLToPath(import.meta.url)), '..');

function fail(message) {
  process.stderr.write(`generate:resource: ${message}\n`);
  process.exit(1);
}

const args = process.argv.slice(2);
const pluralFlag = args.indexOf('--plural');
const explicitPlural = pluralFlag >= 0 ? args.splice(pluralFlag, 2)[1] : undefined;
const raw = args[0];
if (!raw || args.length > 1) fail('usage: npm run generate:resource -- <singular-name> [--plural <plural>]   e.g. project, invoice-item');
if (!/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/.test(raw)) fail(`"${raw}" must be kebab-case: lower-case letters and digits, words joined by "-"`);

const words = raw.split('-');
const pluralize = (w) => (/(s|x|z|ch|sh)$/.test(w) ? `${w}es` : /[^aeiou]y$/.test(w) ? `${w.slice(0, -1)}ies` : `${w}s`);
const pluralKebab = explicitPlural ?? [...words.slice(0, -1), pluralize(words.at(-1))].join('-');
if (!/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/.test(pluralKebab)) fail(`plural "${pluralKebab}" must be kebab-case`);
const pascal = (kebab) => kebab.split('-').map((w) => w[0].toUpperCase() + w.slice(1)).join('');
const camel = (kebab) => pascal(kebab)[0].toLowerCase() + pascal(kebab).slice(1);

const n = {
  kebab: raw, // invoice-item
  plural: pluralKebab, // invoice-items
  Pascal: pascal(raw), // InvoiceItem
  Plurals: pascal(pluralKebab), // InvoiceItems
  plurals: camel(pluralKebab), // invoiceItems
  table: pluralKebab.replaceAll('-', '_'), // invoice_items
  label: words.join(' ').replace(/^./, (c) => c.toUpperCase()), // Invoice item
};

const RESERVED = new Set(['auth', 'users', 'tasks', 'stats', 'health', 'admin', 'sessions', 'docs', 'common', 'config', 'database', 'mail', 'audit', 'throttling']);
if (RESERVED.has(n.plural)) fail(`"${n.plural}" is already taken by the application`);
const dir = join(backend, 'src', n.plural);
if (existsSync(dir)) fail(`src/${n.plural} already exists`);

const timestamp = Date.now();
const migrationClass = `Create${n.Plurals}${timestamp}`;
const migrationFile = `${timestamp}-create-${n.plural}`;

const files = {
  [`src/${n.plural}/${n.kebab}.entity.ts`]: `import { Column, CreateDateColumn, Entity, JoinColumn, ManyToOne, PrimaryGeneratedColumn, UpdateDateColumn, type Relation } from 'typeorm';
import type { Owned } from '../common/ownership.js';
import { User } from '../users/user.entity.js';

/** A ${n.label.toLowerCase()}: belongs to one user (see OwnedResourceService). */
@Entity({ name: '${n.table}' })
export class ${n.Pascal} implements Owned {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'user_id', type: 'uuid' })
  userId: string;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id' })
  user?: Relation<User>;

  @Column({ type: 'varchar', length: 200 })
  name: string;

  @Column({ type: 'varchar', length: 2000, nullable: true })
  description: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
`,
  [`src/database/migrations/${migrationFile}.ts`]: `import type { MigrationInterface, QueryRunner } from 'typeorm';

export class ${migrationClass} implements MigrationInterface {
  name = '${migrationClass}';

  async up(q: QueryRunner): Promise<void> {
    await q.query(\`
      CREATE TABLE ${n.table} (
        id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id     uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        name        varchar(200) NOT NULL,
        description varchar(2000),
        created_at  timestamptz NOT NULL DEFAULT now(),
        updated_at  timestamptz NOT NULL DEFAULT now()
      )\`);
    // Every query is scoped to one owner and listed newest first.
    await q.query(\`CREATE INDEX ${n.table}_user_created_idx ON ${n.table} (user_id, created_at DESC, id DESC)\`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(\`DROP TABLE ${n.table}\`);
  }
}
`,
  [`src/${n.plural}/dto/${n.kebab}.dto.ts`]: `import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsNotEmpty, IsOptional, IsString, ValidateIf } from 'class-validator';
import { PaginationQuery } from '../../common/pagination.js';
import { MaxChars, Trim } from '../../common/validators.js';
import type { ${n.Pascal} } from '../${n.kebab}.entity.js';

export class ${n.Pascal}Response {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ minLength: 1, maxLength: 200 }) name: string;
  @ApiProperty({ type: String, nullable: true, maxLength: 2000 }) description: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;
}

/** The only way a ${n.label.toLowerCase()} leaves the API: an explicit allow-list (no owner id). */
export function to${n.Pascal}Response(entity: ${n.Pascal}): ${n.Pascal}Response {
  return {
    id: entity.id,
    name: entity.name,
    description: entity.description,
    createdAt: entity.createdAt.toISOString(),
    updatedAt: entity.updatedAt.toISOString(),
  };
}

export class Create${n.Pascal}Dto {
  @ApiProperty({ minLength: 1, maxLength: 200 })
  @Trim()
  @IsString()
  @IsNotEmpty({ message: 'name must not be empty' })
  @MaxChars(200)
  name: string;

  @ApiPropertyOptional({ type: String, nullable: true, maxLength: 2000 })
  @IsOptional()
  @IsString()
  @MaxChars(2000)
  description?: string | null;
}

/** Any subset of the create fields; \`name\` cannot be null. */
export class Update${n.Pascal}Dto {
  @ApiPropertyOptional({ minLength: 1, maxLength: 200 })
  @ValidateIf((_o, v) => v !== undefined)
  @Trim()
  @IsString()
  @IsNotEmpty({ message: 'name must not be empty' })
  @MaxChars(200)
  name?: string;

  @ApiPropertyOptional({ type: String, nullable: true, maxLength: 2000 })
  @IsOptional()
  @IsString()
  @MaxChars(2000)
  description?: string | null;
}

export class List${n.Plurals}Query extends PaginationQuery {}

export class ${n.Pascal}ListResponse {
  @ApiProperty({ type: [${n.Pascal}Response] }) items: ${n.Pascal}Response[];
  @ApiProperty({ type: 'integer' }) total: number;
  @ApiProperty({ type: 'integer' }) limit: number;
  @ApiProperty({ type: 'integer' }) offset: number;
}
`,
  [`src/${n.plural}/${n.plural}.service.ts`]: `import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { OwnedResourceService } from '../common/owned-resource.service.js';
import { ${n.Pascal} } from './${n.kebab}.entity.js';

/** list/get/create/update/remove, scoped to the caller by the base class. Add your rules here. */
@Injectable()
export class ${n.Plurals}Service extends OwnedResourceService<${n.Pascal}> {
  protected readonly label = '${n.label}';

  constructor(@InjectRepository(${n.Pascal}) repository: Repository<${n.Pascal}>) {
    super(repository);
  }
}
`,
  [`src/${n.plural}/${n.plural}.controller.ts`]: `import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { AuthUser } from '../auth/auth-user.js';
import { CurrentUser } from '../common/decorators/current-user.decorator.js';
import { ApiProblems } from '../common/openapi.js';
import { UuidParam } from '../common/uuid-param.js';
import { Create${n.Pascal}Dto, List${n.Plurals}Query, to${n.Pascal}Response, ${n.Pascal}ListResponse, ${n.Pascal}Response, Update${n.Pascal}Dto } from './dto/${n.kebab}.dto.js';
import { ${n.Plurals}Service } from './${n.plural}.service.js';

// Authenticated by the global guard (default-deny); add @Roles(...) to restrict further.
@ApiTags('${n.plural}')
@Controller('${n.plural}')
export class ${n.Plurals}Controller {
  constructor(private readonly service: ${n.Plurals}Service) {}

  @Get()
  @ApiOperation({ summary: 'The caller’s ${n.label.toLowerCase()}s, newest first' })
  @ApiOkResponse({ type: ${n.Pascal}ListResponse })
  @ApiProblems(401, 422)
  async list(@CurrentUser() caller: AuthUser, @Query() query: List${n.Plurals}Query): Promise<${n.Pascal}ListResponse> {
    const { items, total } = await this.service.list(caller, query);
    return { items: items.map(to${n.Pascal}Response), total, limit: query.limit, offset: query.offset };
  }

  @Post()
  @ApiOperation({ summary: 'Create a ${n.label.toLowerCase()}' })
  @ApiCreatedResponse({ type: ${n.Pascal}Response })
  @ApiProblems(401, 422)
  async create(@CurrentUser() caller: AuthUser, @Body() dto: Create${n.Pascal}Dto): Promise<${n.Pascal}Response> {
    return to${n.Pascal}Response(await this.service.create(caller, dto));
  }

  @Get(':id')
  @ApiOperation({ summary: 'One ${n.label.toLowerCase()}' })
  @ApiOkResponse({ type: ${n.Pascal}Response })
  @ApiProblems(401, 404)
  async get(@CurrentUser() caller: AuthUser, @Param('id', UuidParam()) id: string): Promise<${n.Pascal}Response> {
    return to${n.Pascal}Response(await this.service.get(caller, id));
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Update a ${n.label.toLowerCase()}' })
  @ApiOkResponse({ type: ${n.Pascal}Response })
  @ApiProblems(401, 404, 422)
  async update(@CurrentUser() caller: AuthUser, @Param('id', UuidParam()) id: string, @Body() dto: Update${n.Pascal}Dto): Promise<${n.Pascal}Response> {
    return to${n.Pascal}Response(await this.service.update(caller, id, dto));
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a ${n.label.toLowerCase()}' })
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiProblems(401, 404)
  async remove(@CurrentUser() caller: AuthUser, @Param('id', UuidParam()) id: string): Promise<void> {
    await this.service.remove(caller, id);
  }
}
`,
  [`src/${n.plural}/${n.plural}.module.ts`]: `import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ${n.Plurals}Controller } from './${n.plural}.controller.js';
import { ${n.Plurals}Service } from './${n.plural}.service.js';
import { ${n.Pascal} } from './${n.kebab}.entity.js';

@Module({
  imports: [TypeOrmModule.forFeature([${n.Pascal}])],
  controllers: [${n.Plurals}Controller],
  providers: [${n.Plurals}Service],
})
export class ${n.Plurals}Module {}
`,
  [`test/${n.plural}.e2e-spec.ts`]: `import { createTestApp, describeOwnedResource, type TestApp } from './kit/index.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

// Authentication, CRUD, validation, no mass assignment, and another user's row is a 404.
describeOwnedResource('${n.Plurals}', {
  app: () => t,
  path: '/api/${n.plural}',
  listKey: 'items',
  table: '${n.table}',
  valid: { name: 'First ${n.label.toLowerCase()}', description: 'Created by the generated suite' },
  update: { name: 'Renamed ${n.label.toLowerCase()}', description: null },
  invalid: { name: '' },
});

describe('${n.Plurals}: specific rules', () => {
  it('drops the spaces around a name, and says which field is wrong and why', async () => {
    const user = await t.signUp();
    const res = await user.agent.post('/api/${n.plural}').send({ name: '   ' }).expect(422);
    expect(res.body.errors).toEqual([{ field: 'name', message: 'name must not be empty' }]);
    const created = await user.agent.post('/api/${n.plural}').send({ name: ' Spaced out ' }).expect(201);
    expect(created.body.name).toBe('Spaced out');
  });

  it('lists newest first with pagination', async () => {
    const user = await t.signUp();
    // One after the other: created_at is the database's now(), so each row is newer than the last.
    for (const name of ['one', 'two', 'three']) await user.agent.post('/api/${n.plural}').send({ name }).expect(201);
    const page = await user.agent.get('/api/${n.plural}?limit=2&offset=1').expect(200);
    expect(page.body.total).toBe(3);
    expect(page.body.items.map((i: { name: string }) => i.name)).toEqual(['two', 'one']);
  });
});
`,
};

// Register the module, entity, migration and routes at the markers.
function insertBefore(file, marker, text) {
  const path = join(backend, file);
  const source = readFileSync(path, 'utf8');
  const at = source.indexOf(marker);
  if (at < 0) fail(`marker "${marker}" not found in ${file}; register the module by hand`);
  const lineStart = source.lastIndexOf('\n', at) + 1;
  const indent = source.slice(lineStart, at);
  writeFileSync(path, source.slice(0, lineStart) + text.split('\n').map((l) => indent + l).join('\n') + '\n' + source.slice(lineStart));
}

for (const [file, content] of Object.entries(files)) {
  const path = join(backend, file);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, content);
}
insertBefore('src/app.module.ts', '// generate:resource imports', `import { ${n.Plurals}Module } from './${n.plural}/${n.plural}.module.js';`);
insertBefore('src/app.module.ts', '// generate:resource modules', `${n.Plurals}Module,`);
insertBefore('src/database/data-source.ts', '// generate:resource imports', `import { ${n.Pascal} } from '../${n.plural}/${n.kebab}.entity.js';\nimport { ${migrationClass} } from './migrations/${migrationFile}.js';`);
insertBefore('src/database/data-source.ts', '// generate:resource entities', `${n.Pascal},`);
insertBefore('src/database/data-source.ts', '// generate:resource migrations', `${migrationClass},`);
const openapiTest = 'test/openapi.e2e-spec.ts';
if (existsSync(join(backend, openapiTest))) {
  insertBefore(openapiTest, '// generate:resource routes', `'/api/${n.plural}': ['get', 'post'],\n'/api/${n.plural}/{id}': ['delete', 'get', 'patch'],`);
}

process.stdout.write(
  [
    `Created the ${n.Plurals} resource:`,
    ...Object.keys(files).map((f) => `  backend/${f}`),
    'Registered in src/app.module.ts, src/database/data-source.ts and test/openapi.e2e-spec.ts.',
    `Next: npm test -w backend -- test/${n.plural} test/openapi && npm run generate:api -w frontend`,
    '',
  ].join('\n'),
);
