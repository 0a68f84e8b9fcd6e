/**
 * The README says what the server does: its endpoint table is the one generated from
 * `/openapi.json` (`BERTH_README=write` rewrites it), its list of error codes names every code
 * the document declares, and every environment variable berth reads is documented.
 */
import assert from "node:assert/strict";
import { integration, testDatabase } from "../../testing/mod.ts";
import { testApp } from "../../testing/app.ts";
import { BEGIN, END, endpointTable } from "./readme.ts";
import { errorCodes } from "./page.ts";

const root = new URL("../../", import.meta.url);
const README = new URL("README.md", root);

/** Markdown as `deno fmt` may lay it out differently: one space, three dashes. */
const normal = (md: string) => md.replace(/-{3,}/g, "---").replace(/\s+/g, " ").trim();

/** The README's generated block, from just after BEGIN's line to END. */
function block(readme: string) {
  const start = readme.indexOf(BEGIN);
  const end = readme.indexOf(END);
  assert.ok(start >= 0 && end > start, `README.md has no ${BEGIN} … ${END} block`);
  // Skip the sentence saying how the block is made, up to the table.
  return { start, end, table: readme.slice(readme.indexOf("| method and path", start), end) };
}

integration("README: the endpoint table and the error codes follow /openapi.json", async () => {
  const db = await testDatabase();
  try {
    const doc = await (await testApp(db.sql).app.request("/openapi.json")).json();
    const table = endpointTable(doc);
    let readme = await Deno.readTextFile(README);
    if (Deno.env.get("BERTH_README") === "write") {
      const { end } = block(readme);
      const at = readme.indexOf("| method and path", readme.indexOf(BEGIN));
      readme = `${readme.slice(0, at)}${table}\n\n${readme.slice(end)}`;
      await Deno.writeTextFile(README, readme);
    }
    assert.equal(
      normal(block(readme).table),
      normal(table),
      "README.md's endpoint table differs from /openapi.json: rewrite it with " +
        "BERTH_README=write ./berth test api/docs/readme_test.ts (then deno fmt README.md)",
    );

    const paragraph = readme.slice(readme.indexOf("Errors are `application/problem+json`"));
    const listed = new Set(
      [...paragraph.slice(0, paragraph.indexOf("\n\n")).matchAll(/`([a-z]+(?:_[a-z]+)+|[a-z]+)`/g)]
        .map((m) => m[1]),
    );
    const declared = errorCodes(doc).map(([code]) => code);
    assert.deepEqual(declared.filter((c) => !listed.has(c)), [], "codes the README does not list");
  } finally {
    await db.drop();
  }
});

/** Every file of berth's own code (not its tests nor their test data). */
async function* sources(dir: URL): AsyncGenerator<URL> {
  for await (const e of Deno.readDir(dir)) {
    if (e.name.startsWith(".") || e.name === "node_modules" || e.name === "testdata") continue;
    const url = new URL(e.isDirectory ? `${e.name}/` : e.name, dir);
    if (e.isDirectory) yield* sources(url);
    else if (/\.(ts|js)$/.test(e.name) && !e.name.endsWith("_test.ts")) yield url;
  }
}

Deno.test("README: every environment variable berth reads is documented", async () => {
  const docs = await Deno.readTextFile(README) +
    await Deno.readTextFile(new URL("loadtests/README.md", root));
  const read = new Set<string>();
  for (const dir of ["api/", "cli/", "consumers/", "shared/", "testing/", "loadtests/"]) {
    for await (const file of sources(new URL(dir, root))) {
      const text = await Deno.readTextFile(file);
      const constants = new Set(
        [...text.matchAll(/(?:const|let|var)\s+([A-Z_]+)\b/g)].map((m) => m[1]),
      );
      for (const m of text.matchAll(/\b((?:BERTH|BENCH|CHAOS|OTEL)_[A-Z0-9_]+)\b/g)) {
        if (!constants.has(m[1]) && !/^BENCH_NAMES$/.test(m[1])) read.add(m[1]);
      }
      for (const m of text.matchAll(/env\.get\("([A-Z0-9_]+)"\)/g)) read.add(m[1]);
    }
  }
  const config = await Deno.readTextFile(new URL("shared/config/config.ts", root));
  for (const m of config.matchAll(/^ {2}([A-Z][A-Z0-9_]+):/gm)) read.add(m[1]);
  const missing = [...read].filter((v) => !docs.includes(v)).sort();
  assert.deepEqual(missing, [], "variables read but not in README.md or loadtests/README.md");
});
