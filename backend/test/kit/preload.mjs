// Jest links a test file's whole ESM graph before evaluating it, and CommonJS packages that
// require() the ESM-only @nestjs/* (e.g. @nestjs/throttler) would hit them half-initialised.
// Evaluating the Nest core first, in a setup file, avoids that.
await import('reflect-metadata');
await import('@nestjs/common');
await import('@nestjs/core');
