import { Column, Entity, IsNull, JoinColumn, ManyToOne, PrimaryGeneratedColumn, type EntityManager, type Relation } from 'typeorm';
import { User } from '../users/user.entity.js';

/** A single-use password-reset link. Only the SHA-256 of the token is stored. */
@Entity({ name: 'password_reset_tokens' })
export class PasswordResetToken {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'user_id', type: 'uuid' })
  userId: string;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id' })
  user?: Relation<User>;

  @Column({ name: 'token_hash', type: 'bytea' })
  tokenHash: Buffer;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt: Date;

  @Column({ name: 'used_at', type: 'timestamptz', nullable: true })
  usedAt: Date | null;
}

/**
 * Every outstanding reset link of the user dies: when one is used, and whenever the password, the
 * email or the account's status changes, so a link sitting in a mailbox the user has moved away
 * from (or in an attacker's) stops working.
 */
export async function spendResetTokens(manager: EntityManager, userId: string, at: Date): Promise<void> {
  await manager.getRepository(PasswordResetToken).update({ userId, usedAt: IsNull() }, { usedAt: at });
}
