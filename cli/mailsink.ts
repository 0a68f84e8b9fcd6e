/**
 * A local SMTP server for `./berth up` when BERTH_SMTP_URL is not given: it accepts every
 * message on 127.0.0.1:2525 and writes it to `.data/mail/<time>-<n>.eml`, so guest e-mail
 * can be read on a machine with no mail server. Run as its own process by `up`.
 */
// @ts-types="@types/smtp-server"
import { SMTPServer } from "smtp-server";
import { DATA } from "./infra/mod.ts";

/** Where the sink writes messages. */
export const MAIL_DIR = `${DATA}/mail`;
/** The sink's port. */
export const MAIL_PORT = Number(Deno.env.get("BERTH_MAIL_SINK_PORT") ?? 2525);

if (import.meta.main) {
  await Deno.mkdir(MAIL_DIR, { recursive: true });
  let n = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS", "AUTH"],
    logger: false,
    onData(stream, _session, callback) {
      const chunks: Uint8Array[] = [];
      stream.on("data", (c: Uint8Array) => chunks.push(c));
      stream.on("end", () => {
        const name = `${new Date().toISOString().replace(/[:.]/g, "-")}-${++n}.eml`;
        const bytes = new Uint8Array(chunks.reduce((len, c) => len + c.length, 0));
        chunks.reduce((at, c) => (bytes.set(c, at), at + c.length), 0);
        Deno.writeFile(`${MAIL_DIR}/${name}`, bytes)
          .then(() => callback(), (err) => callback(err));
      });
    },
  });
  server.listen(MAIL_PORT, "127.0.0.1");
  for (const sig of ["SIGINT", "SIGTERM"] as const) {
    Deno.addSignalListener(sig, () => server.close(() => Deno.exit(0)));
  }
}
