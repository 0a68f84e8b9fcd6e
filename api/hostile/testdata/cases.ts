/**
 * Fixed cases of the hostile-input suite: every hostile input that once broke berth (a 500, a
 * hang, a half-written row, a request let through), each with the answer it must get now:
 * hostile values in fields (`cases_fields.ts`), hostile requests (`cases_requests.ts`).
 */
import { booking } from "../../../testing/app.ts";
import type { HostileRequest } from "./arbitraries.ts";
import type { World } from "./world.ts";
import { fieldCases } from "./cases_fields.ts";
import { requestCases } from "./cases_requests.ts";

/** A request and the status (and code) it must be answered with. */
export interface FixedCase {
  request: HostileRequest;
  status: number;
  code?: string;
  /** an `Allow` header the answer must carry */
  allow?: string;
}

/** Adds a case: a request, the status it must get, and more (headers, a raw body, a code). */
export type AddCase = (
  name: string,
  method: string,
  url: string,
  body: unknown,
  status: number,
  more?: { headers?: Record<string, string>; raw?: string; code?: string; allow?: string },
) => void;

/** What the groups of cases are written with: the world's paths, a good booking, `add`. */
export interface CaseKit {
  w: World;
  add: AddCase;
  /** The property's path. */
  p: string;
  /** The room's path. */
  room: string;
  /** One valid line of a booking: a night of the room. */
  stay: { resourceId: string; from: string; to: string; quantity: number };
  /** A valid booking of `items`, with `patch` applied. */
  book: (patch: Record<string, unknown>, items?: unknown[]) => Record<string, unknown>;
  /** Text with a NUL in it. */
  nul: string;
  /** A webhook registration, valid as it is. */
  hook: { url: string; events: string[] };
}

/** The fixed cases against `w`, sent with the `admin` key unless they say otherwise. */
export function fixedCases(w: World, admin: string): FixedCase[] {
  const cases: FixedCase[] = [];
  let n = 0;
  const add: AddCase = (
    name,
    method,
    url,
    body,
    status,
    more = {},
  ) => {
    const text = more.raw ?? (body === undefined ? undefined : JSON.stringify(body));
    cases.push({
      request: {
        route: `fixed: ${name}`,
        method,
        url,
        headers: {
          authorization: `Bearer ${admin}`,
          "idempotency-key": `fixed-${++n}`,
          ...(text !== undefined ? { "content-type": "application/json" } : {}),
          ...more.headers,
        },
        ...(text !== undefined ? { body: text } : {}),
      },
      status,
      code: more.code ?? (status === 400 ? "validation_failed" : undefined),
      allow: more.allow,
    });
  };
  const p = `/v1/properties/${w.propertyId}`;
  const room = `${p}/resources/${w.roomId}`;
  const stay = { resourceId: w.roomId, from: "2030-06-01", to: "2030-06-02", quantity: 1 };
  const book = (patch: Record<string, unknown>, items: unknown[] = [stay]) => ({
    ...booking(w.propertyId, items),
    userId: w.userId,
    ...patch,
  });
  const nul = "a\u0000b";
  const hook = { url: "https://hooks.example.com/x", events: ["reservation.confirmed"] };
  const kit: CaseKit = { w, add, p, room, stay, book, nul, hook };
  fieldCases(kit);
  requestCases(kit);
  return cases;
}
