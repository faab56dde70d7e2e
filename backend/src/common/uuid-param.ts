import { ParseUUIDPipe } from '@nestjs/common';
import { notFound } from './problem.js';

/** A path id that is not a UUID names nothing that exists: 404, like any other absent resource. */
export const UuidParam = () => new ParseUUIDPipe({ version: undefined, exceptionFactory: () => notFound() });
