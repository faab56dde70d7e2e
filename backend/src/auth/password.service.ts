import { randomBytes } from 'node:crypto';
import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { argon2id, hash, needsRehash, verify, type HashOptions } from 'argon2';
import { APP_CONFIG, type AppConfig } from '../config/config.js';

const SALT_BYTES = 16;

/** argon2id hashing with the configured cost; the only place that sees a plaintext password. */
@Injectable()
export class PasswordService implements OnModuleInit {
  private readonly options: HashOptions;
  private dummyHash: string;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.options = {
      type: argon2id,
      memoryCost: config.argon2.memoryKiB,
      timeCost: config.argon2.timeCost,
      parallelism: config.argon2.parallelism,
    };
  }

  async onModuleInit(): Promise<void> {
    // A real hash at the current cost: verifying an unknown email against it takes exactly as long
    // as verifying a wrong password, so response time does not reveal which emails exist.
    this.dummyHash = await this.hash(`dummy-${Math.random()}`);
  }

  hash(password: string): Promise<string> {
    // The salt is drawn here, synchronously (16 bytes from the same CSPRNG, ~1 µs): left to the
    // library, it is a trip of its own through libuv's pool, queued behind the hashes in flight.
    return hash(password, { ...this.options, salt: randomBytes(SALT_BYTES), raw: false });
  }

  async verify(storedHash: string, password: string): Promise<boolean> {
    try {
      return await verify(storedHash, password);
    } catch {
      return false; // a malformed stored hash is a failed login, not a 500
    }
  }

  /** Burns the same time as `verify` for a user that does not exist. */
  async verifyDummy(password: string): Promise<void> {
    await this.verify(this.dummyHash, password);
  }

  /** True when the hash was made with other parameters than the configured ones (rehash on login). */
  needsRehash(storedHash: string): boolean {
    // The library compares the costs only: an argon2i or argon2d hash (an imported account) at the
    // configured cost would otherwise never become argon2id.
    if (!storedHash.startsWith('$argon2id$')) return true;
    try {
      return needsRehash(storedHash, this.options);
    } catch {
      return true;
    }
  }
}
