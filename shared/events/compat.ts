/**
 * Schema compatibility, checked: every version of every event type has its JSON Schema
 * committed under `shared/events/schemas/<type>/v<N>.json` (made from the catalogue's zod
 * schema as a reader takes it). A version once committed may only change compatibly, since
 * events of it are in streams, dead letters and snapshots, read by consumers older and newer:
 * no field removed, retyped or with other allowed values, none made required or optional. Any
 * other change is a new version, with an upcast from the one before (catalogue.ts).
 */
import { z } from "zod";
import type { EventType } from "./catalogue.ts";
import { eventTypes, versionSchemaOf, versionsOf } from "./catalogue.ts";

/** Where the committed schemas live. */
export const SCHEMAS_DIR = new URL("./schemas/", import.meta.url);

/** A JSON Schema node, as `z.toJSONSchema` writes it. */
type Node = {
  type?: unknown;
  properties?: Record<string, Node>;
  required?: string[];
  items?: Node;
  [k: string]: unknown;
};

/** The JSON Schema of one version of an event type's data. */
export function jsonSchemaOf(type: EventType, version: number): Node {
  const schema = versionSchemaOf(type, version);
  if (!schema) throw new Error(`${type} has no version ${version}`);
  return z.toJSONSchema(schema, { io: "input" }) as Node;
}

/** What a node allows besides its type and its members: formats, patterns, bounds, values. */
function constraints(n: Node): string {
  const { type: _t, properties: _p, required: _r, items: _i, description: _d, $schema: _s, ...c } =
    n;
  return JSON.stringify(Object.entries(c).sort(([a], [b]) => (a < b ? -1 : 1)));
}

function compare(was: Node, now: Node, path: string, out: string[]): void {
  if (JSON.stringify(was.type) !== JSON.stringify(now.type)) {
    out.push(
      `${path}: type changed from ${JSON.stringify(was.type)} to ${JSON.stringify(now.type)}`,
    );
    return;
  }
  if (constraints(was) !== constraints(now)) {
    out.push(`${path}: allowed values changed from ${constraints(was)} to ${constraints(now)}`);
  }
  const wasProps = was.properties ?? {};
  const nowProps = now.properties ?? {};
  const wasRequired = new Set(was.required ?? []);
  const nowRequired = new Set(now.required ?? []);
  for (const [name, node] of Object.entries(wasProps)) {
    const at = `${path}.${name}`;
    if (!(name in nowProps)) {
      out.push(`${at}: removed`);
      continue;
    }
    compare(node, nowProps[name], at, out);
    if (wasRequired.has(name) && !nowRequired.has(name)) {
      out.push(`${at}: no longer required (older readers count on it)`);
    } else if (!wasRequired.has(name) && nowRequired.has(name)) {
      out.push(`${at}: now required`);
    }
  }
  for (const name of nowRequired) {
    if (!(name in wasProps)) out.push(`${path}.${name}: new required field`);
  }
  if (was.items && now.items) compare(was.items, now.items, `${path}[]`, out);
}

/** Why `now` cannot stand for the committed `was` under the same version; none when it can. */
export function compatibilityProblems(was: object, now: object): string[] {
  const out: string[] = [];
  compare(was as Node, now as Node, "data", out);
  return out;
}

/** Where the schema of one version is committed. */
export function schemaFile(type: string, version: number): URL {
  return new URL(`${type}/v${version}.json`, SCHEMAS_DIR);
}

/** Every committed (type, version), from the files under `dir`. */
export async function committedVersions(
  dir: URL = SCHEMAS_DIR,
): Promise<{ type: string; version: number }[]> {
  const out: { type: string; version: number }[] = [];
  for await (const t of Deno.readDir(dir)) {
    if (!t.isDirectory) continue;
    for await (const f of Deno.readDir(new URL(`${t.name}/`, dir))) {
      const m = /^v(\d+)\.json$/.exec(f.name);
      if (m) out.push({ type: t.name, version: Number(m[1]) });
    }
  }
  return out.sort((a, b) => a.type.localeCompare(b.type) || a.version - b.version);
}

/** The committed schema of one version, or null when there is none. */
export async function committedSchema(type: string, version: number): Promise<Node | null> {
  try {
    return JSON.parse(await Deno.readTextFile(schemaFile(type, version)));
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return null;
    throw err;
  }
}

/**
 * `./berth schemas`: writes the schema of every version of the catalogue whose file is missing
 * or changed compatibly; a version changed incompatibly is left as committed and reported.
 */
export async function writeSchemas(out: (line: string) => void = console.log): Promise<number> {
  let refused = 0;
  for (const type of eventTypes) {
    for (const version of versionsOf(type)) {
      const now = jsonSchemaOf(type, version);
      const was = await committedSchema(type, version);
      const problems = was ? compatibilityProblems(was, now) : [];
      if (problems.length) {
        refused++;
        out(`${type} v${version}: not written, incompatible: ${problems.join("; ")}`);
        continue;
      }
      if (was && JSON.stringify(was) === JSON.stringify(now)) continue;
      await Deno.mkdir(new URL(`${type}/`, SCHEMAS_DIR), { recursive: true });
      await Deno.writeTextFile(schemaFile(type, version), JSON.stringify(now, null, 2) + "\n");
      out(`${type} v${version}: ${was ? "updated" : "written"}`);
    }
  }
  return refused ? 1 : 0;
}
