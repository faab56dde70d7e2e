import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

export const AUTH_EVENT_TYPES = [
  'register',
  'login_success',
  'login_failure',
  // A wrong current password on change-password, a new email or account deletion: guessed with a live session.
  'reauth_failure',
  'refresh_reuse_detected',
  'session_revoked',
  'logout',
  'logout_all',
  'password_changed',
  'email_changed',
  'password_reset_requested',
  'password_reset',
  'user_disabled',
  'user_enabled',
  'role_changed',
  'account_deleted',
] as const;
export type AuthEventType = (typeof AUTH_EVENT_TYPES)[number];

/** Security audit trail. Never holds a secret: ids, addresses and reasons only. */
@Entity({ name: 'auth_events' })
export class AuthEvent {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'varchar', length: 40 })
  type: AuthEventType;

  /** Not a foreign key: the trail outlives deleted accounts. */
  @Column({ name: 'user_id', type: 'uuid', nullable: true })
  userId: string | null;

  @Column({ name: 'session_id', type: 'uuid', nullable: true })
  sessionId: string | null;

  @Column({ type: 'varchar', length: 64, nullable: true })
  ip: string | null;

  @Column({ name: 'user_agent', type: 'varchar', length: 512, nullable: true })
  userAgent: string | null;

  @Column({ type: 'jsonb', nullable: true })
  detail: Record<string, string | number | boolean | null> | null;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
