import { Column, Entity, JoinColumn, ManyToOne, PrimaryColumn, type Relation } from 'typeorm';
import { Session } from './session.entity.js';

/** One link of a session's rotation chain. The token itself is never stored, only its SHA-256. */
@Entity({ name: 'refresh_tokens' })
export class RefreshToken {
  @PrimaryColumn('uuid')
  id: string;

  @Column({ name: 'session_id', type: 'uuid' })
  sessionId: string;

  @ManyToOne(() => Session, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'session_id' })
  session?: Relation<Session>;

  @Column({ name: 'token_hash', type: 'bytea' })
  tokenHash: Buffer;

  @Column({ name: 'parent_id', type: 'uuid', nullable: true })
  parentId: string | null;

  @Column({ name: 'issued_at', type: 'timestamptz' })
  issuedAt: Date;

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt: Date;

  /** Set when this token was rotated (or its session ended). */
  @Column({ name: 'spent_at', type: 'timestamptz', nullable: true })
  spentAt: Date | null;

  /**
   * The successor token, AES-256-GCM encrypted with a key derived from JWT_SECRET_KEY. Kept only
   * while this token is the immediate parent of the live one, so that a concurrent refresh inside
   * the grace window can be answered with the same pair; cleared on the next rotation.
   */
  @Column({ name: 'successor_ciphertext', type: 'bytea', nullable: true })
  successorCiphertext: Buffer | null;
}
