import assert from "node:assert/strict";
import { emailedEvents, renderEmail } from "./email.ts";

const guest = {
  name: "Ada Lovelace",
  email: "ada@example.com",
  confirmationNumber: "RSV-2030-000042",
};

Deno.test("email: every outcome names the confirmation number in subject and text", () => {
  for (const type of emailedEvents) {
    const m = renderEmail(type, guest, "payment declined");
    assert.equal(m.to, "ada@example.com");
    assert.match(m.subject, /RSV-2030-000042/);
    assert.match(m.text, /RSV-2030-000042/);
    assert.match(m.text, /^Dear Ada Lovelace,/);
  }
});

Deno.test("email: the reason of a cancellation or failure is given", () => {
  assert.match(
    renderEmail("reservation.failed", guest, "payment declined").text,
    /payment declined/,
  );
  assert.match(
    renderEmail("reservation.cancelled", guest, "guest asked").subject,
    /is cancelled$/,
  );
  assert.match(renderEmail("reservation.confirmed", guest).subject, /is confirmed$/);
  const declined = renderEmail("reservation.modification_declined", guest, "card_declined");
  assert.match(declined.subject, /change to booking RSV-2030-000042 could not be made$/);
  assert.match(declined.text, /card_declined.*\n.*stands as it was/);
});
