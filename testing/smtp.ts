/**
 * A real SMTP server in-process for tests (npm smtp-server): it keeps what arrives, parsed as a
 * mail program reads it (npm postal-mime: headers decoded, parts and attachments taken apart).
 */
// @ts-types="@types/smtp-server"
import { SMTPServer } from "smtp-server";
import PostalMime from "postal-mime";

/** A file that came with a message, its content decoded to text. */
export interface ReceivedAttachment {
  filename: string | null;
  mimeType: string;
  /** A calendar's `method` parameter (`PUBLISH`). */
  method?: string;
  content: string;
}

/** One message as received: envelope, the raw RFC 5322 text and what a reader sees of it. */
export interface ReceivedMail {
  from: string;
  to: string[];
  raw: string;
  /** Decoded (an encoded word reads as its text). */
  subject: string;
  messageId: string;
  /** The plain-text part, decoded. */
  text: string;
  /** The HTML part, decoded; empty when there is none. */
  html: string;
  attachments: ReceivedAttachment[];
}

/** Parses a raw message as a mail program would. */
export async function parseMail(raw: string): Promise<Omit<ReceivedMail, "from" | "to">> {
  const email = await PostalMime.parse(raw, { attachmentEncoding: "utf8" });
  return {
    raw,
    subject: email.subject ?? "",
    messageId: email.messageId ?? "",
    text: email.text ?? "",
    html: email.html ?? "",
    attachments: email.attachments.map((a) => ({
      filename: a.filename,
      mimeType: a.mimeType,
      method: a.method,
      content: a.content as string,
    })),
  };
}

/**
 * Listens on a free loopback port. `refuse(address, code)` makes RCPT TO for that address
 * answer `code` (e.g. 451 temporary, 550 permanent) `times` times.
 */
export async function testSmtpServer() {
  const mails: ReceivedMail[] = [];
  const refusals = new Map<string, { code: number; times: number }>();
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS", "AUTH"],
    logger: false,
    onRcptTo(address, _session, callback) {
      const r = refusals.get(address.address);
      if (r && r.times > 0) {
        r.times--;
        const err = new Error(`refused by test (${r.code})`) as Error & { responseCode: number };
        err.responseCode = r.code;
        return callback(err);
      }
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Uint8Array[] = [];
      stream.on("data", (c: Uint8Array) => chunks.push(c));
      stream.on("end", () => {
        const raw = new TextDecoder().decode(
          new Uint8Array(chunks.flatMap((c) => Array.from(c))),
        );
        parseMail(raw).then((parsed) => {
          mails.push({
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : "",
            to: session.envelope.rcptTo.map((r) => r.address),
            ...parsed,
          });
          callback();
        }, (err) => callback(err));
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const port = (server.server.address() as { port: number }).port;
  return {
    url: `smtp://127.0.0.1:${port}`,
    mails,
    refuse(address: string, code: number, times = 1) {
      refusals.set(address, { code, times });
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
