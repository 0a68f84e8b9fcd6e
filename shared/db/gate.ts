/**
 * A pool that fails fast while Postgres cannot be reached, instead of queueing every query
 * behind connection attempts that will not succeed (each waits out the connect timeout).
 */
import type { Sql } from "./db.ts";
import { sleep } from "../time/mod.ts";
import { DatabaseUnavailable } from "./unavailable.ts";

/** How long a trial query waits before it is sent. */
const TRIAL_DELAY_MS = 10;

/**
 * The state of one pool. While it is `up` queries pass through untouched. A new pool, and one
 * whose query failed because no connection could be made or the connection broke
 * (`unreachable(err)`), is `down`: then at most `trials` queries go to the pool at once (each
 * makes it connect), and the others wait for the next of them to settle (`waitMs` at most) and
 * fail at once with DatabaseUnavailable (`DATABASE_UNREACHABLE`) unless it got an answer. The
 * first answer from Postgres, an error included, turns it `up`.
 */
export class Gate {
  #down = true;
  /** A connection broke (rather than: the pool is new). */
  #broke = false;
  #trials = 0;
  #next = Promise.withResolvers<boolean>();

  constructor(
    readonly trials: number,
    readonly unreachable: (err: unknown) => boolean,
    readonly waitMs: number,
  ) {}

  /** Runs `query` now, as a trial, or after the next trial's answer; or fails fast. */
  async run<T>(query: () => Promise<T>): Promise<T> {
    let trial = false;
    if (this.#down) {
      if (this.#trials < this.trials) {
        trial = true;
        this.#trials++;
        // Not in the instant after a connection broke: postgres.js loses a query (it never
        // settles) that is written to a connection between its socket's `error` and `close`.
        if (this.#broke) await sleep(TRIAL_DELAY_MS);
      } else {
        const waited = new AbortController();
        const answered = await Promise.race([
          this.#next.promise,
          sleep(this.waitMs, waited.signal).then(() => false),
        ]);
        waited.abort();
        if (!answered) {
          throw new DatabaseUnavailable(
            "DATABASE_UNREACHABLE",
            "Postgres cannot be reached: the query was not sent",
          );
        }
      }
    }
    try {
      const result = await query();
      this.#settle(true);
      return result;
    } catch (err) {
      this.#settle(!this.unreachable(err));
      throw err;
    } finally {
      if (trial) this.#trials--;
    }
  }

  #settle(answered: boolean): void {
    if (answered && !this.#down) return; // the usual case: nothing to tell anyone
    this.#down = !answered;
    this.#broke = !answered;
    this.#next.resolve(answered);
    this.#next = Promise.withResolvers<boolean>();
  }
}

/**
 * `sql` with every query and `reserve()` run through `gate`. Queries stay lazy (sent when
 * awaited, as postgres.js does) and keep their methods; fragments and helpers such as
 * `sql(rows)` pass through as they are.
 */
export function gated(sql: Sql, gate: Gate): Sql {
  const reserve = () => gate.run(() => sql.reserve());
  return new Proxy(sql, {
    apply(target, self, args) {
      const made = Reflect.apply(target, self, args);
      return made instanceof Promise ? gatedQuery(made, gate) : made;
    },
    get(target, key) {
      return key === "reserve" ? reserve : Reflect.get(target, key);
    },
  });
}

function gatedQuery<T>(query: Promise<T>, gate: Gate): Promise<T> {
  let running: Promise<T> | undefined;
  const then: Promise<T>["then"] = (ok, fail) => (running ??= gate.run(() => query)).then(ok, fail);
  return new Proxy(query, {
    get(target, key) {
      return key === "then" ? then : Reflect.get(target, key);
    },
  });
}
