import { Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';

/**
 * Nest's Reflector with each (target, key) lookup remembered. Route metadata is written once, by
 * decorators when classes are defined, and the global guards read it on every request: the
 * throttler alone makes up to 24 reflect-metadata lookups per request for two named throttlers.
 */
@Injectable()
export class CachedReflector extends Reflector {
  private readonly cache = new WeakMap<object, Map<unknown, unknown>>();

  override get<T = any>(metadataKey: unknown, target: object): T {
    let byKey = this.cache.get(target);
    if (byKey === undefined) {
      byKey = new Map();
      this.cache.set(target, byKey);
    }
    if (byKey.has(metadataKey)) return byKey.get(metadataKey) as T;
    const value: unknown = super.get(metadataKey as string, target as () => void);
    byKey.set(metadataKey, value);
    return value as T;
  }
}
