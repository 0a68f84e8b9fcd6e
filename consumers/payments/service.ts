/**
 * The payments service: authorizes on `reservation.created`, captures by the capture rule,
 * refunds on cancellation by the property's policy, and voids what a booking that does not stand
 * had reserved. A batch is worked in three steps, and no transaction is open while the provider
 * is called:
 * 1. read: which events were applied before, the payments of the batch's reservations, the
 *    properties' policies and start times, the payment tokens stored with the reservations to
 *    authorize (no event carries one);
 * 2. call: per reservation, in stream order, plan the event (plan.ts), call the provider with an
 *    idempotency key derived from the event, and evolve the payment with its answers;
 *    reservations run side by side;
 * 3. write: one transaction records the inbox rows, the payments, the movements and the
 *    emitted `payment.*` events, each with one statement.
 * Provider calls that have not answered after `deferAfterMs` (1 s) do not hold the batch up: their
 * events (and the later events of the same property) wait in the backlog until the call
 * settles, then come again and find its answer kept here.
 */
import type { Sql } from "../../shared/db/mod.ts";
import { inTransaction } from "../../shared/db/mod.ts";
import type { Envelope } from "../../shared/events/mod.ts";
import { makeEvent } from "../../shared/events/mod.ts";
import { uuidv7 } from "../../shared/ids/mod.ts";
import { log } from "../../shared/log/mod.ts";
import { appendToOutbox } from "../../shared/outbox/mod.ts";
import { sleep } from "../../shared/time/mod.ts";
import type { Applied, BatchEvent } from "../runtime/mod.ts";
import { claimInbox, defineService, withinEvent } from "../runtime/mod.ts";
import { CircuitOpenError, ProviderTimeoutError } from "./breaker.ts";
import type { AuthorizeRequest, AuthorizeResult, GuardedProvider } from "./provider.ts";
import type { Ask, Facts, PaymentEvent, PaymentState } from "./plan.ts";
import { paymentEvents, planFor } from "./plan.ts";
import type { Emit, Evolved } from "./evolve.ts";
import { evolveAuthorized, evolveIncremented, evolveMoved } from "./evolve.ts";
import * as q from "./queries.ts";

/** What the payments service needs. */
export interface PaymentsDeps {
  provider: GuardedProvider;
  /** The clock (default: real time). */
  now?: () => Date;
  /** Authorization tries without an answer before the payment counts as failed (default 3). */
  authorizeTries?: number;
  /** Pause after the first unanswered try, doubled after each next one (default 250 ms). */
  retryPauseMs?: number;
  /** How long a batch waits for provider answers before it puts the slow ones off (1 s). */
  deferAfterMs?: number;
}

/**
 * Tries to authorize up to `tries` times. A timeout or an open breaker is "no answer"; after the
 * last try the payment is failed as `provider_timeout` or `provider_unavailable`.
 */
export async function authorizeWithTries(
  provider: GuardedProvider,
  req: AuthorizeRequest,
  tries: number,
  pauseMs: number,
): Promise<AuthorizeResult> {
  let reason = "provider_timeout";
  for (let i = 1; i <= tries; i++) {
    try {
      return await provider.authorize(req);
    } catch (err) {
      if (err instanceof ProviderTimeoutError) reason = "provider_timeout";
      else if (err instanceof CircuitOpenError) reason = "provider_unavailable";
      else throw err;
      log.warn("payment provider did not answer", { reservationId: req.key, try: i, reason });
    }
    if (i < tries) await sleep(pauseMs * 2 ** (i - 1));
  }
  return { ok: false, reason };
}

type Batch = BatchEvent<PaymentEvent["type"]>[];

/** One event's result from the call step, with the idempotency keys of the calls it made. */
interface Worked extends Evolved {
  event: PaymentEvent;
  keys: string[];
}

/** Who the payments service is: what it reads (the reservations' money moves). */
export const payments = { name: "payments", events: paymentEvents } as const;

/** The payments service, ready for `runService`. */
export function paymentsService(deps: PaymentsDeps) {
  const now = deps.now ?? (() => new Date());
  const tries = deps.authorizeTries ?? 3;
  const pauseMs = deps.retryPauseMs ?? 250;
  const deferAfterMs = deps.deferAfterMs ?? 1000;
  /**
   * Provider answers by idempotency key, kept from the call until its event is applied, so an
   * event put off (or a batch rolled back) finds the answer instead of asking again. Calls that
   * fail are forgotten and asked again.
   */
  const answers = new Map<string, Promise<unknown>>();
  function call<T>(key: string, fn: () => Promise<T>): Promise<T> {
    let answer = answers.get(key) as Promise<T> | undefined;
    if (!answer) {
      if (answers.size >= 10_000) answers.delete(answers.keys().next().value!);
      answer = fn();
      answers.set(key, answer);
      answer.catch(() => answers.delete(key));
    }
    return answer;
  }
  /** The answer to an authorization: the one the plan has, or the provider's. */
  const answerTo = (ask: Ask, keys: string[]): Promise<AuthorizeResult> => {
    if ("answer" in ask) return Promise.resolve(ask.answer);
    keys.push(ask.req.key);
    return call(ask.req.key, () => authorizeWithTries(deps.provider, ask.req, tries, pauseMs));
  };

  /** Step 2 for one reservation: its events in order, each planned, called and evolved. */
  async function work(
    events: PaymentEvent[],
    payment: PaymentState | null,
    facts: Facts,
    at: Date,
    out: Map<string, Worked>,
  ) {
    let state = payment;
    for (const event of events) {
      const plan = planFor(event, state, facts);
      const keys: string[] = [];
      let evolved: Evolved = { state, movements: [], emits: [] };
      if (plan.kind === "authorize") {
        evolved = evolveAuthorized(
          event as never,
          plan,
          await withinEvent(event, () => answerTo(plan.ask, keys)),
          at,
        );
      } else if (plan.kind === "increment") {
        const answer = await withinEvent(event, () => answerTo(plan.ask, keys));
        evolved = evolveIncremented(event as never, state, plan, answer, at);
      } else if (plan.kind === "move" && state) {
        for (const step of plan.steps) {
          const req = {
            key: `${event.id}:${step.op}`,
            paymentId: state.providerPaymentId!,
            amount: step.amount,
          };
          keys.push(req.key);
          await call(req.key, () => withinEvent(event, () => deps.provider[step.op](req)));
        }
        evolved = evolveMoved(state, plan, at);
      }
      state = evolved.state;
      out.set(event.id, { ...evolved, event, keys });
    }
  }

  return defineService({
    name: payments.name,
    events: payments.events,
    async applyBatch(sql, batch: Batch) {
      const at = now();
      const events = batch.map((b) => b.event as PaymentEvent);
      const before = await q.appliedEvents(sql, "payments", events.map((e) => e.id));
      const todo = events.filter((e) => !before.has(e.id));
      const ids = [...new Set(todo.map((e) => e.data.reservationId))];
      const days = todo.flatMap((e) =>
        e.type === "reservation.created" || e.type === "reservation.modified"
          ? [{ propertyId: e.propertyId, date: e.data.items.map((i) => i.from).sort()[0] }]
          : []
      );
      const authorizing = todo.filter((e) =>
        e.type === "reservation.created" || e.type === "reservation.modification_requested"
      );
      const [payments, property, tokens] = await Promise.all([
        q.paymentsOf(sql, ids),
        q.propertyFacts(sql, [...new Set(todo.map((e) => e.propertyId))], days),
        q.paymentTokens(sql, authorizing.map((e) => e.data.reservationId)),
      ]);
      const facts: Facts = { ...property, paymentToken: (id) => tokens.get(id) ?? null };

      const worked = new Map<string, Worked>();
      const chains = ids.map((id) => {
        const mine = todo.filter((e) => e.data.reservationId === id);
        const run = work(mine, payments.get(id) ?? null, facts, at, worked);
        return { events: mine, run, done: false, error: null as unknown };
      });
      for (const c of chains) c.run.then(() => c.done = true, (err) => c.error = err ?? "error");
      await Promise.race([Promise.allSettled(chains.map((c) => c.run)), sleep(deferAfterMs)]);
      // A provider error (not a slow answer) fails the batch: the runtime retries the event.
      const failed = chains.find((c) => c.error);
      if (failed) throw failed.error;

      // Slow chains put their events off, and with them every later event of their property.
      const waitFor = new Map<string, Promise<unknown>>();
      for (const c of chains.filter((c) => !c.done && !c.error)) {
        for (const e of c.events) if (!waitFor.has(e.propertyId)) waitFor.set(e.propertyId, c.run);
      }
      const put = new Map<string, Promise<unknown>>();
      const outcomes: Applied[] = events.map((e) => {
        if (before.has(e.id)) return "duplicate";
        const until = put.get(e.propertyId) ??
          (worked.has(e.id) ? undefined : waitFor.get(e.propertyId));
        if (until) {
          put.set(e.propertyId, until);
          return { deferUntil: until };
        }
        return "applied";
      });
      const apply = batch.filter((_, i) => outcomes[i] === "applied");
      if (apply.length) await write(sql, apply, worked, at);
      for (const b of apply) for (const k of worked.get(b.event.id)!.keys) answers.delete(k);
      return outcomes;
    },
  });

  /** Step 3: inbox rows, payments, movements and events in one transaction. */
  async function write(sql: Sql, apply: Batch, worked: Map<string, Worked>, at: Date) {
    const results = apply.map((b) => worked.get(b.event.id)!);
    const latest = new Map<string, PaymentState>();
    for (const w of results) if (w.state) latest.set(w.state.reservationId, w.state);
    const emitted: Envelope[] = results.flatMap((w) =>
      w.emits.map((e) => envelope(w.event, e, at))
    );
    await inTransaction(sql, async (tx) => {
      const fresh = await claimInbox(tx, "payments", apply);
      if (fresh.size < apply.length) {
        throw new Error("an event of this batch was applied concurrently; reading again");
      }
      await q.savePayments(tx, [...latest.values()], at);
      await q.recordMovements(tx, results.flatMap((w) => w.movements));
      await appendToOutbox(tx, emitted);
    });
  }
}

/** The envelope of an event the payments service publishes because of `cause`. */
function envelope(cause: PaymentEvent, e: Emit, at: Date): Envelope {
  return withinEvent(cause, () =>
    makeEvent(e.type, cause.propertyId, e.data as never, {
      correlationId: cause.correlationId,
      causationId: cause.id,
      now: at,
      id: uuidv7(at.getTime()),
    })) as Envelope;
}
