import { jetstream, jetstreamManager } from "@nats-io/jetstream";
import { connectNats } from "../shared/nats/mod.ts";
import { natsAccess } from "./platform.ts";
import type { DeadLetter } from "../consumers/runtime/mod.ts";
import {
  DeadLetterNotFound,
  getDeadLetter,
  listDeadLetters,
  replayDeadLetter,
} from "../consumers/runtime/mod.ts";
import { table } from "./status.ts";

/** The usage line of `./berth dlq`. */
export const dlqUsage = "usage: ./berth dlq ls | show <id> | replay <id>|--all";

function show(dl: DeadLetter): string {
  let payload = dl.payload;
  try {
    payload = JSON.stringify(JSON.parse(dl.payload), null, 2);
  } catch { /* malformed: shown raw */ }
  const lines = [
    `id:        ${dl.id}`,
    `at:        ${dl.at}`,
    `service:   ${dl.service}`,
    `consumer:  ${dl.consumer}`,
    `subject:   ${dl.subject} (stream ${dl.stream}, seq ${dl.streamSeq})`,
    `event:     ${dl.eventType ?? "?"} ${dl.eventId ?? "(malformed)"}`,
    `attempts:  ${dl.attempts}`,
    `error:     ${dl.error}`,
    "headers:",
    ...Object.entries(dl.headers).map(([k, v]) => `  ${k}: ${v.join(", ")}`),
    "payload:",
    payload,
  ];
  return lines.join("\n");
}

/**
 * `./berth dlq ls|show <id>|replay <id|--all>`: inspect dead letters and republish them to their
 * original subject (the consumer that gave up gets them again; services that applied them skip
 * them through their inbox). `out` receives the text; returns the exit code.
 */
export async function dlq(
  args: string[],
  urls: { NATS_URL: string },
  out: (line: string) => void = console.log,
): Promise<number> {
  const [sub, arg] = args;
  const id = Number(arg);
  const wantsId = sub === "show" || (sub === "replay" && arg !== "--all");
  if (!["ls", "show", "replay"].includes(sub) || (wantsId && !(Number.isInteger(id) && id > 0))) {
    out(dlqUsage);
    return 2;
  }
  const nc = await connectNats(urls.NATS_URL, "berth-dlq", { role: "cli", ...natsAccess() });
  try {
    const jsm = await jetstreamManager(nc);
    if (sub === "ls") {
      const all = await listDeadLetters(jsm);
      out(
        all.length
          ? table(
            ["ID", "AT", "SERVICE", "SUBJECT", "EVENT", "ATTEMPTS", "ERROR"],
            all.map((d) => [
              d.id,
              d.at,
              d.service,
              d.subject,
              d.eventType ?? "(malformed)",
              d.attempts,
              d.error.slice(0, 60),
            ]),
          )
          : "the DLQ is empty",
      );
      return 0;
    }
    if (sub === "show") {
      out(show(await getDeadLetter(jsm, id)));
      return 0;
    }
    const js = jetstream(nc);
    const ids = arg === "--all" ? (await listDeadLetters(jsm)).map((d) => d.id) : [id];
    for (const one of ids) {
      const r = await replayDeadLetter(js, jsm, one);
      out(`replayed ${one} to ${r.subject} (stream seq ${r.seq})`);
    }
    if (ids.length === 0) out("the DLQ is empty");
    return 0;
  } catch (err) {
    if (err instanceof DeadLetterNotFound) {
      out(err.message);
      return 1;
    }
    throw err;
  } finally {
    await nc.close();
  }
}
