import type { JetStreamClient, JetStreamManager, JsMsg, StoredMsg } from "@nats-io/jetstream";
import type { MsgHdrs } from "@nats-io/transport-node";
import { headers as makeHeaders } from "@nats-io/transport-node";
import { DLQ_PREFIX, DLQ_STREAM } from "../../shared/events/mod.ts";

/** Headers the runtime adds to a dead letter; the original headers travel beside them. */
export const DlqHeaders = {
  Service: "Berth-Dlq-Service",
  Consumer: "Berth-Dlq-Consumer",
  Stream: "Berth-Dlq-Stream",
  StreamSeq: "Berth-Dlq-Stream-Seq",
  Subject: "Berth-Dlq-Subject",
  Error: "Berth-Dlq-Error",
  Attempts: "Berth-Dlq-Attempts",
  Deliveries: "Berth-Dlq-Deliveries",
  At: "Berth-Dlq-At",
  OriginalMsgId: "Berth-Original-Msg-Id",
} as const;

/** Header on a replayed message naming the dead letter it came from. */
export const REPLAY_OF_HEADER = "Berth-Replay-Of";

/** Raised when no dead letter has the given id. */
export class DeadLetterNotFound extends Error {
  override name = "DeadLetterNotFound";
  constructor(readonly id: number) {
    super(`no dead letter with id ${id}`);
  }
}

/** What a service knew when it gave up on a message. */
export interface DeadLetterCause {
  service: string;
  consumer: string;
  stream: string;
  error: string;
  attempts: number;
}

/** `dlq.<service>.<original subject>`. */
export function dlqSubject(service: string, originalSubject: string): string {
  return `${DLQ_PREFIX}.${service}.${originalSubject}`;
}

function oneLine(text: string): string {
  return text.replace(/[\r\n]+/g, " | ").slice(0, 2000);
}

/**
 * Publishes a message to the DLQ with its original subject, headers and payload, the consumer's
 * name and the last error. Idempotent per (consumer, stream sequence) within the DLQ's
 * duplicate window, so a crash before the source ack does not make two dead letters.
 */
export async function deadLetter(js: JetStreamClient, msg: JsMsg, cause: DeadLetterCause) {
  const h = makeHeaders();
  for (const [k, values] of msg.headers ?? []) {
    if (k.toLowerCase() === "nats-msg-id") h.set(DlqHeaders.OriginalMsgId, values[0]);
    else if (!k.toLowerCase().startsWith("nats-")) { for (const v of values) h.append(k, v); }
  }
  h.set(DlqHeaders.Service, cause.service);
  h.set(DlqHeaders.Consumer, cause.consumer);
  h.set(DlqHeaders.Stream, cause.stream);
  h.set(DlqHeaders.StreamSeq, String(msg.seq));
  h.set(DlqHeaders.Subject, msg.subject);
  h.set(DlqHeaders.Error, oneLine(cause.error));
  h.set(DlqHeaders.Attempts, String(cause.attempts));
  h.set(DlqHeaders.Deliveries, String(msg.info.deliveryCount));
  h.set(DlqHeaders.At, new Date().toISOString());
  return await js.publish(dlqSubject(cause.service, msg.subject), msg.data, {
    headers: h,
    msgID: `dlq:${cause.consumer}:${cause.stream}:${msg.seq}`,
    timeout: 5000,
  });
}

/** A dead letter as `./berth dlq` shows it; `id` is its sequence in the DLQ stream. */
export interface DeadLetter {
  id: number;
  at: string;
  service: string;
  consumer: string;
  subject: string;
  stream: string;
  streamSeq: number;
  attempts: number;
  error: string;
  eventId: string | null;
  eventType: string | null;
  headers: Record<string, string[]>;
  payload: string;
}

function toDeadLetter(m: StoredMsg): DeadLetter {
  const h = m.header;
  const get = (k: string) => h?.get(k) ?? "";
  const payload = new TextDecoder().decode(m.data);
  let eventId: string | null = null;
  let eventType: string | null = null;
  try {
    const json = JSON.parse(payload);
    eventId = typeof json?.id === "string" ? json.id : null;
    eventType = typeof json?.type === "string" ? json.type : null;
  } catch { /* a malformed message: shown as it is */ }
  const all: Record<string, string[]> = {};
  for (const [k, v] of h ?? []) all[k] = v;
  return {
    id: m.seq,
    at: get(DlqHeaders.At) || m.time.toISOString(),
    service: get(DlqHeaders.Service),
    consumer: get(DlqHeaders.Consumer),
    subject: get(DlqHeaders.Subject),
    stream: get(DlqHeaders.Stream),
    streamSeq: Number(get(DlqHeaders.StreamSeq)),
    attempts: Number(get(DlqHeaders.Attempts)),
    error: get(DlqHeaders.Error),
    eventId,
    eventType,
    headers: all,
    payload,
  };
}

/** Every dead letter in the DLQ stream, oldest first. */
export async function listDeadLetters(jsm: JetStreamManager): Promise<DeadLetter[]> {
  const out: DeadLetter[] = [];
  let seq = 1;
  const batch = 500;
  while (true) {
    const info = await jsm.streams.info(DLQ_STREAM);
    if (info.state.messages === 0 || seq > info.state.last_seq) return out;
    const iter = await jsm.direct.getBatch(DLQ_STREAM, { seq, batch, next_by_subj: "dlq.>" });
    let got = 0;
    for await (const m of iter) {
      out.push(toDeadLetter(m));
      seq = m.seq + 1;
      got++;
    }
    if (got < batch) return out;
  }
}

/** One dead letter by id; throws DeadLetterNotFound. */
export async function getDeadLetter(jsm: JetStreamManager, id: number): Promise<DeadLetter> {
  let m: StoredMsg | null = null;
  try {
    m = await jsm.streams.getMessage(DLQ_STREAM, { seq: id });
  } catch { /* not found answers with an error */ }
  if (!m) throw new DeadLetterNotFound(id);
  return toDeadLetter(m);
}

/**
 * Republishes a dead letter to its original subject with its original headers, so the
 * consumers get it again (services that applied it skip it through their inbox), then removes
 * it from the DLQ. Returns the new stream sequence.
 */
export async function replayDeadLetter(
  js: JetStreamClient,
  jsm: JetStreamManager,
  id: number,
): Promise<{ subject: string; seq: number }> {
  const m = await jsm.streams.getMessage(DLQ_STREAM, { seq: id }).catch(() => null);
  if (!m) throw new DeadLetterNotFound(id);
  const dl = toDeadLetter(m);
  const h: MsgHdrs = makeHeaders();
  for (const [k, values] of m.header ?? []) {
    if (k.startsWith("Berth-Dlq-") || k === DlqHeaders.OriginalMsgId) continue;
    if (k.toLowerCase().startsWith("nats-")) continue;
    for (const v of values) h.append(k, v);
  }
  h.set(REPLAY_OF_HEADER, String(id));
  const base = m.header?.get(DlqHeaders.OriginalMsgId) || dl.eventId || `dlq-${id}`;
  const ack = await js.publish(dl.subject, m.data, {
    headers: h,
    msgID: `${base}:replay:${id}`,
    timeout: 5000,
  });
  await jsm.streams.deleteMessage(DLQ_STREAM, id);
  return { subject: dl.subject, seq: ack.seq };
}
