/**
 * Bookings over HTTP, as a client makes them: what a fault test or suite checks after a fault
 * (is a booking taken, and confirmed by the payment saga?).
 */
import { addDays } from "../../shared/booking/mod.ts";
import type { ApiClient } from "../client/mod.ts";
import { apiClient, bookWithRetries } from "../client/mod.ts";

/** A client of one platform with a room to book; `seed()` first. */
export class Booker {
  #property = "";
  #room = "";
  #night = 0;
  readonly #client: ApiClient;

  constructor(readonly url: string, readonly adminKey: string) {
    this.#client = apiClient(url, adminKey);
  }

  /** A property with a room type of 1,000 rooms a night through 2031. */
  async seed(): Promise<void> {
    const property = await this.#client.must("POST", "/v1/properties", {
      name: "Fault Hotel",
      timezone: "Europe/Amsterdam",
      currency: "EUR",
    });
    this.#property = property.id;
    this.#room = (await this.#client.must("POST", `/v1/properties/${this.#property}/resources`, {
      name: "Double room",
      kind: "room",
    })).id;
    await this.#client.must(
      "PUT",
      `/v1/properties/${this.#property}/resources/${this.#room}/inventory`,
      {
        from: "2031-01-01",
        to: "2031-12-31",
        total: 1000,
        price: 12000,
      },
    );
  }

  /**
   * Books a night (paid with `tok_ok`, so the saga confirms it), sending it again with the same
   * Idempotency-Key while that is worth it, until it is accepted, refused or `timeoutMs` passes;
   * returns the reservation's id.
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
    const r = await bookWithRetries(
      this.#client,
      body,
      crypto.randomUUID(),
      Date.now() + timeoutMs,
    );
    if (r.status === 201) return r.body.id;
    throw new Error(
      `no booking accepted in ${timeoutMs} ms: ${r.status} ${JSON.stringify(r.body)}`,
    );
  }

  /** Waits until the reservation is confirmed (the payment saga ran); throws after `timeoutMs`. */
  async confirmed(id: string, timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let status = "";
    while (Date.now() < deadline) {
      const r = await this.#client.send("GET", `/v1/reservations/${id}`).catch(() => null);
      status = r?.body?.status ?? status;
      if (status === "confirmed") return;
      await new Promise((res) => setTimeout(res, 250));
    }
    throw new Error(`reservation ${id} not confirmed in ${timeoutMs} ms (${status || "unknown"})`);
  }
}
