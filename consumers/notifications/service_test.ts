import assert from "node:assert/strict";
import { eventTypes } from "../../shared/events/mod.ts";
import { notificationsService, webhookEventTypes } from "./service.ts";
import { emailedEvents } from "./email.ts";

Deno.test("service: consumes every reservation and payment event of the catalogue, no other", () => {
  const expected = eventTypes.filter((t) =>
    t.startsWith("reservation.") || t.startsWith("payment.")
  );
  assert.deepEqual([...webhookEventTypes].sort(), expected.sort());
  assert.deepEqual(notificationsService.events, webhookEventTypes);
  for (const e of emailedEvents) assert.ok((webhookEventTypes as readonly string[]).includes(e));
});
