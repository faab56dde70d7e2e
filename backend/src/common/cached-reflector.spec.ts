import { SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { CachedReflector } from './cached-reflector.js';

const Flag = Reflector.createDecorator<string>();

@SetMetadata('scope', 'class')
class Base {
  @SetMetadata('scope', 'method')
  @Flag('on')
  marked(): void {}

  plain(): void {}
}

@SetMetadata('scope', 'derived')
class Derived extends Base {}

describe('CachedReflector', () => {
  const plain = new Reflector();

  it('answers exactly as Nest’s Reflector, every time, absent metadata included', () => {
    const cached = new CachedReflector();
    const targets = [Base.prototype.marked, Base.prototype.plain, Base, Derived];
    for (let round = 0; round < 2; round += 1) {
      for (const target of targets) {
        for (const key of ['scope', 'missing', Flag] as const) {
          expect(cached.get(key as string, target)).toEqual(plain.get(key as string, target));
        }
      }
    }
    expect(cached.get(Flag, Base.prototype.marked)).toBe('on');
    expect(cached.get('missing', Base)).toBeUndefined();
  });

  it('keeps handler and class apart: an inherited handler reads the metadata of the class it is called through', () => {
    const cached = new CachedReflector();
    expect(cached.getAllAndOverride('scope', [Base.prototype.plain, Base])).toBe('class');
    expect(cached.getAllAndOverride('scope', [Derived.prototype.plain, Derived])).toBe('derived');
    expect(cached.getAllAndOverride('scope', [Derived.prototype.marked, Derived])).toBe('method');
  });
});
