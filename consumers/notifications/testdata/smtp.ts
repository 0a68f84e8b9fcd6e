/** A real SMTP server in-process for tests (npm smtp-server): it keeps what arrives. */
// @ts-types="@types/smtp-server"
import { SMTPServer } from "smtp-server";

/** One message as received: envelope and the raw RFC 5322 text. */
export interface ReceivedMail {
  from: string;
  to: string[];
  raw: string;
  subject: string;
  /** The raw text with quoted-printable soft line breaks undone. */
  text: string;
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
        const subject = /^Subject: (.*)$/m.exec(raw)?.[1] ?? "";
        mails.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : "",
          to: session.envelope.rcptTo.map((r) => r.address),
          raw,
          subject,
          text: raw.replaceAll("=\r\n", "").replaceAll("=\n", ""),
        });
        callback();
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
