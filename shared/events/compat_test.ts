import assert from "node:assert/strict";
import { z } from "zod";
import { eventTypes, isEventType, versionsOf } from "./catalogue.ts";
import {
  committedSchema,
  committedVersions,
  compatibilityProblems,
  jsonSchemaOf,
} from "./compat.ts";

const fix = "run ./berth schemas and commit shared/events/schemas/";

Deno.test("schemas: the catalogue keeps every committed version, each still compatible", async () => {
  for (const { type, version } of await committedVersions()) {
    assert.ok(
      isEventType(type) && versionsOf(type).includes(version),
      `${type} v${version} is committed but gone from the catalogue: keep every version ` +
        `(events of it are still in streams and dead letters), with its upcast`,
    );
    const problems = compatibilityProblems(
      (await committedSchema(type, version))!,
      jsonSchemaOf(type, version),
    );
    assert.deepEqual(
      problems,
      [],
      `${type} v${version} changed incompatibly: ${problems.join("; ")}. Leave v${version} ` +
        `as it was and add v${version + 1} to the catalogue, with an upcast from v${version}`,
    );
  }
});

Deno.test("schemas: every version of the catalogue is committed", async () => {
  for (const type of eventTypes) {
    for (const version of versionsOf(type)) {
      assert.ok(await committedSchema(type, version), `${type} v${version} has no schema: ${fix}`);
    }
  }
});

Deno.test("schemas: versions ascend, oldest first, so each upcast reads as the next", () => {
  for (const type of eventTypes) {
    const versions = versionsOf(type);
    assert.ok(versions.every((v, i) => i === 0 || v > versions[i - 1]), `${type}: ${versions}`);
  }
});

const schemaOf = (shape: z.ZodRawShape) => z.toJSONSchema(z.object(shape), { io: "input" });
const v1 = schemaOf({
  reservationId: z.uuid(),
  amount: z.number().int().min(0),
  note: z.string().optional(),
  lines: z.array(z.object({ date: z.iso.date(), price: z.number().int() })),
});

Deno.test("compatibility: an optional field added, or nothing changed, is compatible", () => {
  assert.deepEqual(compatibilityProblems(v1, v1), []);
  const added = schemaOf({
    reservationId: z.uuid(),
    amount: z.number().int().min(0),
    note: z.string().optional(),
    lines: z.array(z.object({ date: z.iso.date(), price: z.number().int() })),
    channel: z.enum(["web", "app"]).optional(),
  });
  assert.deepEqual(compatibilityProblems(v1, added), []);
});

Deno.test("compatibility: removed, retyped, newly required and loosened fields are not", () => {
  const changed = schemaOf({
    reservationId: z.uuid(),
    amount: z.string(),
    note: z.string(),
    lines: z.array(z.object({ date: z.iso.date() })),
    currency: z.string(),
  });
  assert.deepEqual(compatibilityProblems(v1, changed), [
    'data.amount: type changed from "integer" to "string"',
    "data.note: now required",
    "data.lines[].price: removed",
    "data.currency: new required field",
  ]);
  const loosened = schemaOf({
    reservationId: z.string(),
    amount: z.number().int().min(0).optional(),
    note: z.string().optional(),
    lines: z.array(z.object({ date: z.iso.date(), price: z.number().int() })),
  });
  const problems = compatibilityProblems(v1, loosened);
  assert.equal(problems.length, 2, problems.join("\n"));
  assert.match(problems[0], /^data\.reservationId: allowed values changed/);
  assert.equal(problems[1], "data.amount: no longer required (older readers count on it)");
});
