/**
 * Bookings over HTTP, as a client makes them: what a fault test or suite checks after a fault
 * (is a booking taken, and confirmed by the payment saga?).
 */
import { addDays } from "../../shared/booking/mod.ts";

/** A client of one platform with a room to book; `seed()` first. */
export class Booker {
  #property = "";
  #room = "";
  #night = 0;

  constructor(readonly url: string, readonly adminKey: string) {}

  async #call(method: string, path: string, body?: unknown, headers: HeadersInit = {}) {
    const res = await fetch(`${this.url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${this.adminKey}`,
        ...(body === undefined ? {} : { "content-type": "application/json" }),
        ...headers,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null };
  }

  async #must(method: string, path: string, body?: unknown) {
    const r = await this.#call(method, path, body);
    if (r.status >= 300) {
      throw new Error(`${method} ${path}: ${r.status} ${JSON.stringify(r.body)}`);
    }
    return r.body;
  }

  /** A property with a room type of 1,000 rooms a night through 2031. */
  async seed(): Promise<void> {
    const property = await this.#must("POST", "/v1/properties", {
      name: "Fault Hotel",
      timezone: "Europe/Amsterdam",
      currency: "EUR",
    });
    this.#property = property.id;
    this.#room = (await this.#must("POST", `/v1/properties/${this.#property}/resources`, {
      name: "Double room",
      kind: "room",
    })).id;
    await this.#must("PUT", `/v1/properties/${this.#property}/resources/${this.#room}/inventory`, {
      from: "2031-01-01",
      to: "2031-12-31",
      total: 1000,
      price: 12000,
    });
  }

  /**
   * Books a night (paid with `tok_ok`, so the saga confirms it), sending it again with the same
   * Idempotency-Key until it is accepted or `timeoutMs` passes; returns the reservation's id.
   */
  async book(timeoutMs = 30_000): Promise<string> {
    const day = new Date(Date.UTC(2031, 0, 1 + (this.#night++ % 360))).toISOString().slice(0, 10);
    const to = addDays(day, 1);
    const body = {
      propertyId: this.#property,
      userId: "fault-guest",
      guest: { name: "Ada Lovelace", email: "ada@example.com" },
      items: [{ resourceId: this.#room, from: day, to, quantity: 1 }],
      payment: { token: "tok_ok_faults" },
    };
    const key = crypto.randomUUID();
    const deadline = Date.now() + timeoutMs;
    for (let last = "";;) {
      const r = await this.#call("POST", "/v1/reservations", body, { "idempotency-key": key })
        .catch((err) => ({ status: 0, body: String(err) }));
      if (r.status === 201) return r.body.id;
      last = `${r.status} ${JSON.stringify(r.body)}`;
      if (Date.now() > deadline) throw new Error(`no booking accepted in ${timeoutMs} ms: ${last}`);
      await new Promise((res) => setTimeout(res, 250));
    }
  }

  /** Waits until the reservation is confirmed (the payment saga ran); throws after `timeoutMs`. */
  async confirmed(id: string, timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let status = "";
    while (Date.now() < deadline) {
      const r = await this.#call("GET", `/v1/reservations/${id}`).catch(() => null);
      status = r?.body?.status ?? status;
      if (status === "confirmed") return;
      await new Promise((res) => setTimeout(res, 250));
    }
    throw new Error(`reservation ${id} not confirmed in ${timeoutMs} ms (${status || "unknown"})`);
  }
}
