import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Emails are now stored and looked up in composed Unicode (NFC, `canonicalEmail`). An account
 * registered before, with an accent typed as a combining mark, was stored decomposed: every lookup
 * (sign-in, password reset) now asks for the composed spelling and would never find it, and the
 * composed spelling could be registered a second time. Its stored email is composed here, as
 * 1764000000001 lower-cased the emails when lookups became case-sensitive.
 *
 * Where the composed spelling is already another account's (both were registered before), the
 * decomposed one is left as it is, to be merged by hand: renaming it would break the unique index.
 */
export class UsersEmailNfc1764000000003 implements MigrationInterface {
  name = 'UsersEmailNfc1764000000003';

  async up(q: QueryRunner): Promise<void> {
    // Unicode normalization needs a UTF8 database; in any other encoding there is nothing to compose.
    const [{ server_encoding: encoding }] = (await q.query(`SHOW server_encoding`)) as { server_encoding: string }[];
    if (encoding !== 'UTF8') return;
    await q.query(`
      UPDATE users u SET email = normalize(u.email, NFC)
        FROM (SELECT DISTINCT ON (normalize(email, NFC)) id FROM users
               WHERE email IS NOT NFC NORMALIZED
               ORDER BY normalize(email, NFC), created_at, id) first
       WHERE u.id = first.id
         AND NOT EXISTS (SELECT 1 FROM users other WHERE other.email = normalize(u.email, NFC))`);
  }

  async down(): Promise<void> {
    // The decomposed spellings are not kept: nothing to restore, and the composed ones are valid.
  }
}
