/**
 * The local event keys `up` signs with (shared/events/keys.ts), under `.data/keys/`, made on
 * first use, and `./berth keys rotate`. An environment that gives BERTH_EVENT_SIGNING_KEY
 * (an existing deployment's secret store) is used as it is and nothing is written.
 */
import { DATA } from "./infra/paths.ts";
import { generateEventKey, newKid } from "../shared/events/keys.ts";

const DIR = `${DATA}/keys`;
/** `<kid>:<base64 PKCS#8>`: the key events are signed with; readable by its owner only. */
const SIGNING = `${DIR}/event-signing.key`;
/** One `<kid>:<base64 raw public key>` a line: every key accepted, the signing key's included. */
const PUBLIC = `${DIR}/event-public.keys`;

async function readText(path: string): Promise<string | null> {
  try {
    return (await Deno.readTextFile(path)).trim();
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return null;
    throw err;
  }
}

async function writeKey(key: { signing: string; public: string }, keep: string[]) {
  await Deno.mkdir(DIR, { recursive: true, mode: 0o700 });
  await Deno.writeTextFile(PUBLIC, [...keep, key.public].join("\n") + "\n");
  await Deno.writeTextFile(`${SIGNING}.new`, key.signing + "\n", { mode: 0o600 });
  await Deno.rename(`${SIGNING}.new`, SIGNING);
}

/**
 * BERTH_EVENT_SIGNING_KEY and BERTH_EVENT_PUBLIC_KEYS for the processes `up` starts and the
 * tools that read its events: from `env` when it gives the signing key, else the local key
 * (made now when there is none), accepting the local public keys plus any `env` gives.
 */
export async function localEventKeys(
  env: Record<string, string | undefined>,
  now = new Date(),
): Promise<Record<string, string>> {
  if (env.BERTH_EVENT_SIGNING_KEY) return {};
  let signing = await readText(SIGNING);
  if (!signing) {
    await writeKey(await generateEventKey(newKid(now)), []);
    signing = (await readText(SIGNING))!;
  }
  const accepted = (await readText(PUBLIC) ?? "").split("\n").filter(Boolean);
  if (env.BERTH_EVENT_PUBLIC_KEYS) accepted.push(env.BERTH_EVENT_PUBLIC_KEYS);
  return { BERTH_EVENT_SIGNING_KEY: signing, BERTH_EVENT_PUBLIC_KEYS: accepted.join(",") };
}

/** The usage line of `./berth keys`. */
export const keysUsage = "usage: ./berth keys rotate | public";

/**
 * `./berth keys rotate`: a new local signing key; the previous public keys stay accepted (the
 * events they signed are still in the streams and the audit log). `./berth keys public`: the
 * accepted public keys, as BERTH_EVENT_PUBLIC_KEYS takes them.
 */
export async function keysCommand(
  args: string[],
  out: (line: string) => void = console.log,
  now = new Date(),
): Promise<number> {
  if (args[0] === "rotate") {
    const keep = (await readText(PUBLIC) ?? "").split("\n").filter(Boolean);
    const kid = newKid(now);
    await writeKey(await generateEventKey(kid), keep);
    out(
      `events are now signed with ${kid} once berth is started again; ` +
        `${keep.length} earlier key(s) still accepted (${PUBLIC})`,
    );
    return 0;
  }
  if (args[0] === "public") {
    const keys = await localEventKeys(Deno.env.toObject(), now);
    out(keys.BERTH_EVENT_PUBLIC_KEYS ?? Deno.env.get("BERTH_EVENT_PUBLIC_KEYS") ?? "");
    return 0;
  }
  out(keysUsage);
  return 2;
}
