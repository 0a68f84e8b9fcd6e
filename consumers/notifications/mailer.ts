/** Sending e-mail over SMTP with nodemailer, to the server of `BERTH_SMTP_URL`. */
// @ts-types="@types/nodemailer"
import nodemailer from "nodemailer";
import type { EmailMessage } from "./email.ts";
import type { SendResult } from "./policy.ts";

/** Sends rendered e-mails; never throws, the outcome is a {@link SendResult}. */
export interface Mailer {
  send(message: EmailMessage): Promise<SendResult>;
  close(): void;
}

interface SmtpError {
  message?: string;
  code?: string;
  responseCode?: number;
}

/** Classifies a nodemailer error: a 5xx refusal of the envelope is permanent. */
export function smtpFailure(err: unknown): SendResult {
  const e = (err ?? {}) as SmtpError;
  const code = e.responseCode;
  return {
    ok: false,
    statusCode: code,
    error: `smtp: ${e.code ? `${e.code} ` : ""}${e.message ?? String(err)}`.slice(0, 500),
    permanent: code !== undefined && code >= 500 && e.code === "EENVELOPE",
    unhealthy: code === undefined || code === 421,
  };
}

/**
 * A mailer for `url` (`smtp://host:port`, `smtps://user:pass@host`), sending as `from`. Every
 * phase (connect, greeting, each command) times out after `timeoutMs`.
 */
export function smtpMailer(opts: { url: string; from: string; timeoutMs: number }): Mailer {
  const transport = nodemailer.createTransport(
    {
      url: opts.url,
      connectionTimeout: opts.timeoutMs,
      greetingTimeout: opts.timeoutMs,
      socketTimeout: opts.timeoutMs,
      dnsTimeout: opts.timeoutMs,
    } as Parameters<typeof nodemailer.createTransport>[0],
  );
  return {
    async send(message) {
      try {
        await transport.sendMail({ from: opts.from, ...message });
        return { ok: true };
      } catch (err) {
        return smtpFailure(err);
      }
    },
    close: () => transport.close(),
  };
}
