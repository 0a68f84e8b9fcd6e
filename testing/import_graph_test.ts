/** The import graph keeps the house's module boundaries (the rules: ./import_graph.ts). */
import assert from "node:assert/strict";
import { describe, repositorySources, violationsOf } from "./import_graph.ts";

Deno.test("every import of the repository keeps the module boundaries", async () => {
  const sources = await repositorySources(new URL("../", import.meta.url));
  assert.ok(sources.has("shared/events/mod.ts") && sources.has("api/main.ts"), "the walk read it");
  const found = violationsOf(sources);
  assert.equal(found.length, 0, `imports that break a boundary:\n${describe(found)}`);
});

/** A small house that holds: each case below adds one file to it. */
const house = () =>
  new Map([
    ["shared/db/mod.ts", 'export * from "./db.ts";'],
    ["shared/db/db.ts", "export const sql = 1;"],
    ["shared/events/mod.ts", 'import { sql } from "../db/mod.ts";\nexport const e = sql;'],
    ["api/reservations/mod.ts", 'import { e } from "../../shared/events/mod.ts";'],
    ["consumers/audit/mod.ts", 'import type { e } from "../../shared/events/mod.ts";'],
    ["testing/app.ts", 'import { e } from "../api/reservations/mod.ts";'],
  ]);

const rulesBroken = (file: string, source: string) =>
  violationsOf(new Map([...house(), [file, source]])).map((v) => `${v.file} ${v.spec} ${v.rule}`);

Deno.test("given a house that holds, then nothing is reported", () => {
  assert.deepEqual(violationsOf(house()), []);
});

Deno.test("given a file behind another module's mod.ts, when it is imported, then it is reported", () => {
  assert.deepEqual(
    rulesBroken("api/reservations/routes.ts", 'import { sql } from "../../shared/db/db.ts";'),
    [
      "api/reservations/routes.ts ../../shared/db/db.ts another module is imported through its mod.ts: shared/db/mod.ts",
    ],
  );
  // A multi-line, type-only re-export is read like any other import.
  assert.equal(
    rulesBroken("consumers/audit/x.ts", 'export type {\n  Sql,\n} from "../../shared/db/db.ts";')
      .length,
    1,
  );
  // Inside one module, files import each other directly; so do a module's tests and testdata.
  assert.deepEqual(rulesBroken("shared/db/db_test.ts", 'import { sql } from "./db.ts";'), []);
  assert.deepEqual(rulesBroken("shared/db/testdata/seed.ts", 'import "../db.ts";'), []);
});

Deno.test("given shared/, when it imports api/, consumers/ or cli/, then it is reported (tests too)", () => {
  assert.deepEqual(
    rulesBroken("shared/events/x_test.ts", 'import { e } from "../../api/reservations/mod.ts";'),
    [
      "shared/events/x_test.ts ../../api/reservations/mod.ts shared/ imports nothing from api/, consumers/ or cli/",
    ],
  );
  assert.equal(
    rulesBroken("shared/events/x.ts", 'import { up } from "../../cli/up.ts";').length,
    1,
  );
});

Deno.test("given api/ and consumers/, when one imports the other, then only a test may", () => {
  assert.deepEqual(rulesBroken("api/reservations/x.ts", 'import "../../consumers/audit/mod.ts";'), [
    "api/reservations/x.ts ../../consumers/audit/mod.ts api/ and consumers/ never import each other outside tests",
  ]);
  assert.equal(
    rulesBroken("consumers/audit/x.ts", 'import { e } from "../../api/reservations/mod.ts";')
      .length,
    1,
  );
  assert.deepEqual(
    rulesBroken("consumers/audit/x_test.ts", 'import { e } from "../../api/reservations/mod.ts";'),
    [],
  );
});

Deno.test("given testing/, when production code imports it, then it is reported", () => {
  assert.deepEqual(
    rulesBroken("consumers/audit/x.ts", 'import { app } from "../../testing/app.ts";'),
    [
      "consumers/audit/x.ts ../../testing/app.ts production code never imports testing/",
    ],
  );
  assert.deepEqual(
    rulesBroken("consumers/audit/testdata/x.ts", 'import "../../../testing/app.ts";'),
    [],
  );
});

Deno.test("given a module without mod.ts, then it is reported, unless it holds only tests", () => {
  assert.deepEqual(rulesBroken("shared/money/money.ts", "export const m = 1;"), [
    "shared/money/  every module has a mod.ts, its surface",
  ]);
  assert.deepEqual(rulesBroken("api/hostile/hostile_test.ts", 'import "./testdata/world.ts";'), []);
});

Deno.test("given an import that mixes a type into its values, then it is reported", () => {
  assert.deepEqual(rulesBroken("api/reservations/x.ts", 'import { type E, e } from "./y.ts";'), [
    "api/reservations/x.ts:1  types are imported on a line of their own",
  ]);
  assert.equal(
    rulesBroken("api/reservations/x.ts", 'import a, {\n  b,\n  type C,\n} from "./y.ts";').length,
    1,
  );
  assert.deepEqual(
    rulesBroken(
      "api/reservations/x.ts",
      'import type { E } from "./y.ts";\nimport { e } from "./y.ts";',
    ),
    [],
  );
});
