import assert from "node:assert/strict";
// @ts-types="@types/nodemailer"
import nodemailer from "nodemailer";
import { eventually, integration } from "../testing/mod.ts";
import { freePort, waitForPort } from "./infra/mod.ts";

integration("mail sink: a message sent over SMTP lands as an .eml file", async () => {
  const root = await Deno.makeTempDir();
  const port = freePort();
  const sink = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", new URL("./mailsink.ts", import.meta.url).pathname],
    env: { BERTH_ROOT: root, BERTH_MAIL_SINK_PORT: String(port) },
    stdout: "null",
    stderr: "null",
  }).spawn();
  try {
    await waitForPort(port, 20_000);
    await nodemailer.createTransport({ url: `smtp://127.0.0.1:${port}` } as never).sendMail({
      from: "bookings@berth.local",
      to: "ada@example.com",
      subject: "RSV-2026-000123 is confirmed",
      text: "See you soon",
    });
    const file = await eventually(
      async () => {
        for await (const e of Deno.readDir(`${root}/.data/mail`)) return e.name;
      },
      5000,
      "a mail file",
    );
    const text = await Deno.readTextFile(`${root}/.data/mail/${file}`);
    assert.match(text, /^Subject: RSV-2026-000123 is confirmed$/m);
    assert.match(text, /See you soon/);
  } finally {
    sink.kill("SIGTERM");
    await sink.status;
  }
});
