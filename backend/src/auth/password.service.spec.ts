import { loadConfig } from '../config/config.js';
import { PasswordService } from './password.service.js';

/** `$argon2id$v=19$m=…,t=…,p=…$<salt>$<hash>` (PHC string format, unpadded base64). */
function parsePhc(encoded: string) {
  const [, id, version, params, salt, hash] = encoded.split('$');
  return {
    id,
    version,
    params: Object.fromEntries(params.split(',').map((kv) => [kv.split('=')[0], Number(kv.split('=')[1])])),
    salt: Buffer.from(salt, 'base64'),
    hash: Buffer.from(hash, 'base64'),
  };
}

describe('PasswordService', () => {
  const config = loadConfig({ ENVIRONMENT: 'test' });
  const passwords = new PasswordService(config);

  it('hashes with argon2id at the configured cost and a fresh 16-byte salt every time', async () => {
    const first = await passwords.hash('correct horse battery staple');
    const second = await passwords.hash('correct horse battery staple');
    const parsed = parsePhc(first);
    expect(parsed.id).toBe('argon2id');
    expect(parsed.params).toEqual({ m: config.argon2.memoryKiB, t: config.argon2.timeCost, p: config.argon2.parallelism });
    expect(parsed.salt).toHaveLength(16);
    expect(parsePhc(second).salt.equals(parsed.salt)).toBe(false);
    expect(parsed.hash).toHaveLength(32);
    expect(second).not.toBe(first);
  });

  it('verifies the right password only, and treats a malformed stored hash as a failed check', async () => {
    const stored = await passwords.hash('correct horse battery staple');
    await expect(passwords.verify(stored, 'correct horse battery staple')).resolves.toBe(true);
    await expect(passwords.verify(stored, 'Correct horse battery staple')).resolves.toBe(false);
    await expect(passwords.verify('not-a-phc-string', 'anything')).resolves.toBe(false);
    expect(passwords.needsRehash(stored)).toBe(false);
  });
});
