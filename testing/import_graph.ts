/**
 * The house's module boundaries, read from every static import (`import … from "…"`,
 * `export … from "…"`, `import "…"`) of the repository's `.ts` and `.js` files.
 *
 * A **module** is a folder directly under `shared/`, `api/`, `consumers/` or `cli/`
 * (`shared/events`, `api/reservations`, `consumers/runtime`, `cli/infra`), with everything below
 * it (`testdata/` included). The files directly in `api/`, `consumers/` and `cli/` are no module's:
 * they are the entry points and composition roots (`main.ts`, `app.ts`, `roster.ts`, the `cli`
 * commands) and are imported by their own path. `testing/` (the tests' toolbox) and the other top
 * folders (`loadtests/`, `ops/`) each count as one module.
 *
 * The rules:
 * 1. **Across modules only through `mod.ts`.** Files of one module import each other directly;
 *    another module is imported through its `mod.ts`, its surface, never a file behind it. Every
 *    module that holds more than tests has a `mod.ts`. (`testing/` is the exception: a test
 *    imports the one helper file it needs, so it loads no more than that.)
 * 2. **`shared/` imports nothing from `api/`, `consumers/` or `cli/`**, its tests included (a
 *    test that needs the api takes it from `testing/`).
 * 3. **`api/` and `consumers/` never import each other** outside tests: they share `shared/`.
 * 4. **Production code never imports `testing/`**: only tests (`*_test.ts`), `testdata/` and
 *    `testing/` itself do.
 *
 * Type-only imports count like the others: they are a dependency all the same.
 *
 * 5. **One import style**: types come in through an `import type` (or `export type`) line of
 *    their own, as in nats.js; an import never mixes `type X` into a value list. `deno lint`
 *    has no rule for it.
 */
import { posix } from "node:path";

/** An import that breaks a rule: the importing file, the import as written, the rule. */
export interface Violation {
  file: string;
  spec: string;
  rule: string;
}

const TREES = ["shared", "api", "consumers", "cli"];

/** Where a line-start import or re-export names the module it reads from. */
const STATIC_IMPORT = /^(?:import|export)(?:\s+type)?\s[^;"'()]*?\bfrom\s*["']([^"']+)["']/gm;
const SIDE_EFFECT_IMPORT = /^import\s*["']([^"']+)["']/gm;
/** A value import or re-export whose braces name a type inline: `import { type X, y } …`. */
const MIXED_TYPE_IMPORT = /^(?:import|export)\s*(?:[\w$]+\s*,\s*)?\{[^}]*?\btype\s+[\w$]/gm;

/**
 * The module a repository path belongs to: `shared/events` for `shared/events/mod.ts`, `api`
 * for `api/main.ts` (a file directly in a tree), `testing` for `testing/mod.ts`.
 */
export function moduleOf(path: string): string {
  const parts = path.split("/");
  if (parts.length === 1) return ".";
  if (TREES.includes(parts[0]) && parts.length > 2) return `${parts[0]}/${parts[1]}`;
  return parts[0];
}

/** A module with a surface of its own: a folder under one of the trees. */
function isFolderModule(module: string): boolean {
  return module.includes("/");
}

/** Tests and their fixtures: `*_test.ts`, anything in a `testdata/`, and `testing/`. */
export function isTest(path: string): boolean {
  return path.endsWith("_test.ts") || path.includes("/testdata/") || path.startsWith("testing/");
}

const top = (path: string) => path.split("/")[0];

/** The relative imports of a file's source, as written. */
export function importsOf(source: string): string[] {
  const specs: string[] = [];
  for (const re of [STATIC_IMPORT, SIDE_EFFECT_IMPORT]) {
    for (const m of source.matchAll(re)) specs.push(m[1]);
  }
  return specs.filter((s) => s.startsWith("."));
}

/**
 * Every import of `sources` (repository path → file text) that breaks a rule, and every module
 * that has no `mod.ts`; none for a house that holds.
 */
export function violationsOf(sources: Map<string, string>): Violation[] {
  const found: Violation[] = [];
  for (const [file, source] of sources) {
    const from = moduleOf(file);
    for (const m of source.matchAll(MIXED_TYPE_IMPORT)) {
      const line = source.slice(0, m.index).split("\n").length;
      found.push({
        file: `${file}:${line}`,
        spec: "",
        rule: "types are imported on a line of their own",
      });
    }
    for (const spec of importsOf(source)) {
      const target = posix.normalize(posix.join(posix.dirname(file), spec));
      const to = moduleOf(target);
      const say = (rule: string) => found.push({ file, spec, rule });
      if (from !== to && isFolderModule(to) && posix.basename(target) !== "mod.ts") {
        say(`another module is imported through its mod.ts: ${to}/mod.ts`);
      }
      if (top(file) === "shared" && ["api", "consumers", "cli"].includes(top(target))) {
        say(`shared/ imports nothing from api/, consumers/ or cli/`);
      }
      const pair = [top(file), top(target)].sort().join(" ");
      if (pair === "api consumers" && !isTest(file)) {
        say(`api/ and consumers/ never import each other outside tests`);
      }
      if (top(target) === "testing" && !isTest(file)) {
        say(`production code never imports testing/`);
      }
    }
  }
  const modules = new Set(
    [...sources.keys()].filter((f) => !isTest(f)).map(moduleOf).filter(isFolderModule),
  );
  for (const m of [...modules].sort()) {
    if (!sources.has(`${m}/mod.ts`)) {
      found.push({ file: `${m}/`, spec: "", rule: "every module has a mod.ts, its surface" });
    }
  }
  return found;
}

/**
 * The `.ts` and `.js` files under `root` (a directory URL), by repository path, without `.git`
 * and what `deno.json` excludes (generated code, tools, data).
 */
export async function repositorySources(root: URL): Promise<Map<string, string>> {
  const config = JSON.parse(await Deno.readTextFile(new URL("deno.json", root)));
  const skip = [".git/", ...(config.exclude as string[])];
  const sources = new Map<string, string>();
  async function walk(dir: string) {
    for await (const e of Deno.readDir(new URL(dir || ".", root))) {
      const path = dir + e.name;
      if (skip.some((s) => (path + (e.isDirectory ? "/" : "")).startsWith(s))) continue;
      if (e.isDirectory) await walk(path + "/");
      else if (e.isFile && /\.(ts|js)$/.test(e.name)) {
        sources.set(path, await Deno.readTextFile(new URL(path, root)));
      }
    }
  }
  await walk("");
  return sources;
}

/** Violations as a developer fixes them: one line each, file first. */
export function describe(violations: Violation[]): string {
  return violations
    .map((v) => v.spec ? `${v.file}: import "${v.spec}": ${v.rule}` : `${v.file}: ${v.rule}`)
    .join("\n");
}
