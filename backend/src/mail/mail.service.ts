import { randomUUID } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import nodemailer, { type Transporter } from 'nodemailer';
import { PinoLogger } from 'nestjs-pino';
import { describeError } from '../common/problem-details.filter.js';
import { APP_CONFIG, type AppConfig } from '../config/config.js';

export interface MailMessage {
  id: string;
  to: string;
  subject: string;
  text: string;
  sentAt: Date;
}

/**
 * Sending failed before any server took the message: nothing reached the mailbox. Any other failure
 * of `send` may have come after the server accepted it (a connection lost while waiting for the reply
 * to DATA), so the message may have been delivered.
 */
export class MailNotSentError extends Error {
  constructor(cause: unknown) {
    super(`mail not sent: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = 'MailNotSentError';
  }
}

/** SMTP commands before the message itself: a failure at any of them means it was not sent. */
const BEFORE_DATA = /^(CONN|EHLO|HELO|LHLO|STARTTLS|AUTH\b|MAIL FROM|RCPT TO)/;

/**
 * Whether a nodemailer failure means the message was certainly not accepted: the server answered
 * with a refusal (any command, the end of DATA included), or it failed before DATA began.
 */
export function certainlyNotSent(error: unknown): boolean {
  const e = error as { responseCode?: unknown; command?: unknown } | null;
  return typeof e?.responseCode === 'number' || (typeof e?.command === 'string' && BEFORE_DATA.test(e.command));
}

/**
 * Outgoing mail through nodemailer to SMTP_URL. Without SMTP_URL (development and tests only; the
 * config refuses it in production) messages go to a local outbox instead: files under
 * MAIL_OUTBOX_DIR and the in-memory `outbox`. Message bodies hold reset links, so they are never
 * logged — only that a message was sent.
 */
@Injectable()
export class MailService implements OnApplicationShutdown {
  readonly outbox: MailMessage[] = [];
  private readonly transport: Transporter | undefined;
  private readonly outboxDir: string;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly logger: PinoLogger,
  ) {
    logger.setContext('MailService');
    this.transport = config.mail.smtpUrl ? nodemailer.createTransport(config.mail.smtpUrl) : undefined;
    this.outboxDir = resolve(config.mail.outboxDir);
  }

  async send(to: string, subject: string, text: string): Promise<void> {
    const message: MailMessage = { id: randomUUID(), to, subject, text, sentAt: new Date() };
    if (this.transport) {
      try {
        await this.transport.sendMail({ from: this.config.mail.from, to, subject, text });
      } catch (error) {
        throw certainlyNotSent(error) ? new MailNotSentError(error) : error;
      }
    } else {
      try {
        if (this.config.environment === 'development') {
          await mkdir(this.outboxDir, { recursive: true });
          await writeFile(join(this.outboxDir, `${message.sentAt.getTime()}-${message.id}.json`), JSON.stringify(message, null, 2), { mode: 0o600 });
        }
      } catch (error) {
        throw new MailNotSentError(error);
      }
      this.outbox.push(message);
    }
    this.logger.info({ mailId: message.id, subject }, 'mail sent');
  }

  /**
   * A notice the caller does not wait for (a mail server's delay is not the request's), sent after the
   * change it reports has committed. A failure is logged, never the text.
   */
  notify(to: string, subject: string, text: string): void {
    void this.send(to, subject, text).catch((error: unknown) => this.logger.error({ err: describeError(error), subject }, 'notice mail failed'));
  }

  onApplicationShutdown(): void {
    this.transport?.close();
  }
}
