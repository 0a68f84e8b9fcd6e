/** Test support for the api: the real app over a throwaway database, called in-process. */
import type { NatsConnection } from "@nats-io/transport-node";
import { loadConfig } from "../shared/config/mod.ts";
import type { Sql } from "../shared/db/mod.ts";
import { Registry } from "../shared/metrics/mod.ts";
import { createApp } from "../api/app.ts";
import { keyResolver } from "../api/gateway/mod.ts";
import { findActiveKey } from "../api/keys/mod.ts";
import type { SoldOutCache } from "../shared/booking/mod.ts";
import type { Send } from "../cli/client/mod.ts";
import { request } from "../cli/client/mod.ts";

export const ADMIN_KEY = "test-admin-key-0123456789";

/**
 * A client that calls through `send` (an app's `request`, or `fetch` to a server) as a client
 * would: `call(method, path, body?, headers?, key?)`, `key` the admin key unless given.
 */
export function callerOf(send: Send) {
  return (
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
    key: string | null = ADMIN_KEY,
  ) => request(send, key, method, path, body, headers);
}

/** A movable clock for tests. */
export class TestClock {
  constructor(public t = Date.now()) {}
  now = () => new Date(this.t);
  advance(ms: number) {
    this.t += ms;
  }
}

export function testApp(
  sql: Sql,
  opts: {
    nc?: NatsConnection | null;
    env?: Record<string, string>;
    clock?: TestClock;
    soldOut?: SoldOutCache;
  } = {},
) {
  const config = loadConfig({
    DATABASE_URL: "postgres://unused@127.0.0.1/unused",
    NATS_URL: "nats://127.0.0.1:1",
    BERTH_ADMIN_KEY: ADMIN_KEY,
    ...opts.env,
  });
  const keys = keyResolver((h) => findActiveKey(sql, h), config.BERTH_ADMIN_KEY);
  const clock = opts.clock ?? new TestClock();
  const app = createApp(
    {
      sql,
      nc: opts.nc ?? null,
      config,
      registry: new Registry(),
      now: clock.now,
      forgetKeys: keys.forget,
      soldOut: opts.soldOut,
    },
    keys.resolve,
  );
  /** Calls the app as a client would; `key` defaults to the admin key. */
  const call = callerOf(async (path, init) => await app.request(path, init));
  return { app, call, clock, config };
}

/** A property with a room (10 a night at 12000), a unit and a 4-seat show, for the next days. */
export async function seedCatalogue(
  call: ReturnType<typeof testApp>["call"],
  opts: { rooms?: number } = {},
) {
  const prop = await call("POST", "/v1/properties", {
    name: "Harbour Hotel",
    timezone: "Europe/Amsterdam",
    currency: "EUR",
  });
  const pid = prop.body.id;
  const room = await call("POST", `/v1/properties/${pid}/resources`, {
    name: "Double room",
    kind: "room",
  });
  const show = await call("POST", `/v1/properties/${pid}/resources`, {
    name: "Evening show",
    kind: "seat",
    seats: ["A1", "A2", "A3", "A4"],
  });
  const from = "2030-06-01";
  const to = "2030-06-08";
  await call("PUT", `/v1/properties/${pid}/resources/${room.body.id}/inventory`, {
    from,
    to,
    total: opts.rooms ?? 10,
    price: 12000,
  });
  await call("PUT", `/v1/properties/${pid}/resources/${show.body.id}/inventory`, {
    from,
    to,
    price: 4500,
  });
  return { propertyId: pid, roomId: room.body.id as string, showId: show.body.id as string };
}

/** A "Parking" unit resource at `propertyId` with `total` units a date, 2030-06-01 to -08. */
export async function seedUnit(
  call: ReturnType<typeof testApp>["call"],
  propertyId: string,
  total: number,
): Promise<string> {
  const unit = await call("POST", `/v1/properties/${propertyId}/resources`, {
    name: "Parking",
    kind: "unit",
  });
  await call("PUT", `/v1/properties/${propertyId}/resources/${unit.body.id}/inventory`, {
    from: "2030-06-01",
    to: "2030-06-08",
    total,
    price: 1500,
  });
  return unit.body.id;
}

let n = 0;
/** A booking body for the seeded catalogue. */
export function booking(propertyId: string, items: unknown[], token = "tok_ok_test") {
  return {
    propertyId,
    userId: `user-${++n % 7}`,
    guest: { name: "Ada Lovelace", email: "ada@example.com" },
    items,
    payment: { token },
  };
}

/**
 * Sends `request` as raw bytes to `port` and reads the answer until the server has sent all of
 * it (by its Content-Length) or closes, for what `app.request()` cannot send: short bodies,
 * huge headers.
 */
export async function rawHttp(port: number, request: string, timeoutMs = 5000) {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  const timer = setTimeout(() => conn.close(), timeoutMs);
  let text = "";
  try {
    await conn.write(new TextEncoder().encode(request)).catch(() => {});
    const decoder = new TextDecoder();
    const buf = new Uint8Array(64 * 1024);
    for (;;) {
      const n = await conn.read(buf).catch(() => null);
      if (n === null) break;
      text += decoder.decode(buf.subarray(0, n), { stream: true });
      const end = text.indexOf("\r\n\r\n");
      const length = Number(/^content-length: *(\d+)/im.exec(text)?.[1] ?? NaN);
      if (end >= 0 && end + 4 + length <= new TextEncoder().encode(text).length) break;
    }
  } finally {
    clearTimeout(timer);
    try {
      conn.close();
    } catch { /* closed by the timer */ }
  }
  const [head, body = ""] = text.split("\r\n\r\n", 2);
  const [status, ...lines] = head.split("\r\n");
  const headers = new Headers(
    lines.map((l) => [l.slice(0, l.indexOf(":")), l.slice(l.indexOf(":") + 1).trim()]),
  );
  return { status: Number(status.split(" ")[1] ?? 0), headers, body };
}
