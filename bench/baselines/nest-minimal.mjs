// Framework floor: the smallest NestJS app, one GET route returning the same task-list JSON as the
// bare node:http floor, on the Fastify adapter (or Express with ADAPTER=express, when
// @nestjs/platform-express is resolvable from NEST_MODULES_DIR). No guards, pipes, logging or
// database: what the framework costs before the application adds anything.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { BACKEND_DIR } from '../lib/util.mjs';

const base = createRequire(resolve(process.env.NEST_MODULES_DIR ?? BACKEND_DIR, 'package.json'));
const load = async (name) => {
  const m = await import(pathToFileURL(base.resolve(name)).href);
  return m.default && Object.keys(m).length <= 2 ? { ...m.default, ...m } : m;
};
await load('reflect-metadata');
const { Controller, Get, Module } = await load('@nestjs/common');
const { NestFactory } = await load('@nestjs/core');
const adapterName = process.env.ADAPTER ?? 'fastify';
const body = JSON.parse(readFileSync(process.env.BODY_FILE, 'utf8'));

class TasksController {
  list() {
    return body;
  }
}
Controller('api')(TasksController);
Get('tasks')(TasksController.prototype, 'list', Object.getOwnPropertyDescriptor(TasksController.prototype, 'list'));
class AppModule {}
Module({ controllers: [TasksController] })(AppModule);

let app;
if (adapterName === 'express') {
  const { ExpressAdapter } = await load('@nestjs/platform-express');
  app = await NestFactory.create(AppModule, new ExpressAdapter(), { logger: ['error'] });
} else {
  const { FastifyAdapter } = await load('@nestjs/platform-fastify');
  app = await NestFactory.create(AppModule, new FastifyAdapter(), { logger: ['error'] });
}
await app.listen(Number(process.env.PORT), '127.0.0.1');
