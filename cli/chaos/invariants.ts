/**
 * What must hold after any fault: read from the platform's tables, its stream and its mail
 * sink, against what the clients were answered.
 */
import { jetstreamManager } from "@nats-io/jetstream";
import { connectNats } from "../../shared/nats/mod.ts";
import { catalogue } from "../../shared/events/mod.ts";
import { verifyAuditLog } from "../../consumers/audit/mod.ts";
import { sleep } from "../../shared/time/mod.ts";
import type { ChaosPlatform } from "./platform.ts";
import type { Booking } from "./load.ts";

export interface Check {
  name: string;
  ok: boolean;
  detail: string;
}

/** Waits until nothing is under way: no pending booking, outbox and e-mail queue empty. */
export async function settle(p: ChaosPlatform, timeoutMs = 120_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const [r] = await p.sql<{ busy: number }[]>`
      select (select count(*) from reservations where status = 'pending')
        + (select count(*) from outbox where published_at is null)
        + (select count(*) from notifications.deliveries where status = 'pending') as busy`
      .catch(() => [{ busy: -1 }]);
    if (Number(r.busy) === 0) {
      // The last events still travel to the projections: give them a moment.
      await sleep(3000);
      return true;
    }
    await sleep(500);
  }
  return false;
}

async function count(query: Promise<{ n: string | number }[]>) {
  const [r] = await query;
  return Number(r.n);
}

/** Every invariant, checked. */
export async function checkInvariants(p: ChaosPlatform, bookings: Booking[]): Promise<Check[]> {
  const checks: Check[] = [];
  const check = (name: string, ok: boolean, detail: string) => checks.push({ name, ok, detail });
  const answered = bookings.filter((b) => b.reservationId);
  const gaveUp = bookings.filter((b) => !b.reservationId && !b.refused).length;
  const refused = bookings.filter((b) => b.refused).length;
  const reservations = await count(p.sql`select count(*) n from reservations`);
  const replayedOther = answered.filter((b) => b.ids.some((id) => id !== b.reservationId)).length;
  const distinct = new Set(answered.map((b) => b.reservationId)).size;
  check(
    "every 201 exactly once",
    gaveUp === 0 && refused === 0 && replayedOther === 0 && distinct === answered.length &&
      reservations === answered.length,
    `${answered.length} bookings answered 201, ${reservations} reservations stored, ` +
      `${gaveUp} never answered, ${refused} refused, ${replayedOther} replays of another booking`,
  );

  const wrong = await count(
    p.sql`
      with want as (
        select ri.resource_id, d::date as date,
          coalesce(sum(ri.quantity) filter (
            where r.status in ('confirmed', 'checked_in', 'checked_out')), 0) as sold,
          coalesce(sum(ri.quantity) filter (where r.status = 'pending'), 0) as held
        from reservation_items ri join reservations r on r.id = ri.reservation_id,
          generate_series(ri.date_from, ri.date_to - 1, interval '1 day') d
        group by 1, 2)
      select count(*) n from inventory i left join want w using (resource_id, date)
      where i.held + i.sold > i.total or i.sold <> coalesce(w.sold, 0)
        or i.held <> coalesce(w.held, 0)`,
  );
  check("no oversell", wrong === 0, `${wrong} (resource, date) counts off or over capacity`);

  const [outbox] = await p.sql<{ rows: number; distinct: number }[]>`
    select count(*)::int as rows,
      count(distinct payload::jsonb->'data'->>'reservationId')::int as distinct
    from outbox where type = 'reservation.created'`;
  const nc = await connectNats(p.natsUrl, "berth-chaos", { role: "cli", ...p.natsAccess });
  let inStream = -1;
  try {
    const jsm = await jetstreamManager(nc);
    const info = await jsm.streams.info(catalogue.reservation.stream, {
      subjects_filter: "reservation.*.created.*",
    });
    inStream = Object.values(info.state.subjects ?? {}).reduce((a, b) => a + b, 0);
  } finally {
    await nc.close();
  }
  check(
    "one reservation.created per booking",
    outbox.rows === reservations && outbox.distinct === reservations && inStream === reservations,
    `${outbox.rows} in the outbox (${outbox.distinct} reservations), ${inStream} in the stream`,
  );

  const [states] = await p.sql<{ confirmed: number; other: number }[]>`
    select count(*) filter (where status = 'confirmed')::int as confirmed,
      count(*) filter (where status <> 'confirmed')::int as other from reservations`;
  check(
    "final states right",
    states.other === 0,
    `${states.confirmed} confirmed, ${states.other} in another state (all paid with tok_ok)`,
  );

  const authorizations = await count(p.sql`select count(*) n from payment_simulator.payments`);
  const paid = await count(p.sql`select count(*) n from payments.payments where authorized > 0`);
  check(
    "at most one authorization per reservation",
    authorizations === paid && paid === states.confirmed,
    `${authorizations} authorizations at the card network, ${paid} payments authorized`,
  );

  // Handing a message to SMTP and recording that it was sent cannot be one step: a crash
  // between them sends it again, with the same Message-ID (the delivery's), which mail systems
  // take for one message. So: one Message-ID per confirmation, and resends counted.
  const mails = new Map<string, Set<string>>();
  let files = 0;
  for (const e of await Array.fromAsync(Deno.readDir(`${p.data}/mail`)).catch(() => [])) {
    const text = (await Deno.readTextFile(`${p.data}/mail/${e.name}`)).replace(/=\r?\n/g, "");
    const n = /confirmation number is ([A-Z0-9-]+)/.exec(text)?.[1];
    const id = /^Message-ID: *(<[^>]+>)/im.exec(text)?.[1] ?? e.name;
    if (!n) continue;
    files++;
    mails.set(n, (mails.get(n) ?? new Set()).add(id));
  }
  const numbers = await p.sql<{ n: string }[]>`
    select confirmation_number n from reservations where status = 'confirmed'`;
  const once = numbers.filter((r) => mails.get(r.n)?.size === 1).length;
  check(
    "one e-mail per confirmation",
    once === numbers.length && mails.size === numbers.length,
    `${once} of ${numbers.length} confirmations mailed as one message; ` +
      `${files - mails.size} resent with the same Message-ID after a crash`,
  );

  const [history] = await p.sql<{ off: number }[]>`
    select count(*)::int off from reservations r
    full join history.user_reservations h on h.reservation_id = r.id
    where h.status is distinct from r.status`;
  const [analytics] = await p.sql<{ off: number }[]>`
    select count(*)::int off from reservations r
    full join analytics.kpi_reservations k on k.reservation_id = r.id
    where k.status is distinct from case r.status when 'confirmed' then 'sold' else '?' end`;
  check(
    "projections equal the tables",
    history.off === 0 && analytics.off === 0,
    `${history.off} history rows and ${analytics.off} analytics rows differ from reservations`,
  );

  const audit = await verifyAuditLog(p.sql);
  check(
    "audit verify passes",
    audit.broken === null,
    audit.broken
      ? `broken at entry ${audit.broken.id}: ${audit.broken.reason}`
      : `${audit.entries} entries in ${audit.chains} chains`,
  );
  return checks;
}
