/**
 * The local event keys `up` signs with (shared/events/keys.ts), under `.data/keys/`, made on
 * first use, and `./berth keys rotate | public | new`. An environment that gives
 * BERTH_EVENT_SIGNING_KEY (an existing deployment's secret store) is used as it is and nothing
 * is written.
 *
 * - `event-signing.key`: `<kid>:<base64 PKCS#8>`, the key events are signed with; readable by
 *   its owner only.
 * - `event-public.keys`: one `<kid>:<base64 raw public key>` a line, every key accepted, the
 *   signing key's included.
 */
import { DATA } from "./infra/mod.ts";
import { generateEventKey, newKid } from "../shared/events/mod.ts";

/** Where `up` keeps its event keys. */
export const KEYS_DIR = `${DATA}/keys`;

const files = (dir: string) => ({
  signing: `${dir}/event-signing.key`,
  public: `${dir}/event-public.keys`,
});

async function readText(path: string): Promise<string | null> {
  try {
    return (await Deno.readTextFile(path)).trim();
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return null;
    throw err;
  }
}

async function acceptedIn(dir: string): Promise<string[]> {
  return (await readText(files(dir).public) ?? "").split("\n").filter(Boolean);
}

/** Makes a new key the signing key; the keys accepted before stay accepted. */
async function addKey(dir: string, kid: string): Promise<void> {
  const key = await generateEventKey(kid);
  const f = files(dir);
  const keep = await acceptedIn(dir);
  await Deno.mkdir(dir, { recursive: true, mode: 0o700 });
  await Deno.writeTextFile(f.public, [...keep, key.public].join("\n") + "\n");
  await Deno.writeTextFile(`${f.signing}.new`, key.signing + "\n", { mode: 0o600 });
  await Deno.rename(`${f.signing}.new`, f.signing);
}

/**
 * BERTH_EVENT_SIGNING_KEY and BERTH_EVENT_PUBLIC_KEYS for the processes `up` starts and the
 * tools that read its events: nothing when `env` gives the signing key, else the local key
 * (made now when there is none), accepting the local public keys plus any `env` gives.
 */
export async function localEventKeys(
  env: Record<string, string | undefined>,
  dir = KEYS_DIR,
  now = new Date(),
): Promise<Record<string, string>> {
  if (env.BERTH_EVENT_SIGNING_KEY) return {};
  if (!(await readText(files(dir).signing))) await addKey(dir, newKid(now));
  const accepted = await acceptedIn(dir);
  if (env.BERTH_EVENT_PUBLIC_KEYS) accepted.push(env.BERTH_EVENT_PUBLIC_KEYS);
  return {
    BERTH_EVENT_SIGNING_KEY: (await readText(files(dir).signing))!,
    BERTH_EVENT_PUBLIC_KEYS: accepted.join(","),
  };
}

/** The usage line of `./berth keys`. */
export const keysUsage = "usage: ./berth keys rotate | public | new";

/**
 * `./berth keys rotate`: a new local signing key, used from the next `up`; the earlier public
 * keys stay accepted (what they signed is still in the streams and the audit log).
 * `./berth keys public`: the accepted public keys, as BERTH_EVENT_PUBLIC_KEYS takes them.
 * `./berth keys new`: a key pair for another deployment's environment; nothing is written.
 */
export async function keysCommand(
  args: string[],
  out: (line: string) => void = console.log,
  dir = KEYS_DIR,
  now = new Date(),
): Promise<number> {
  if (args[0] === "rotate") {
    const kept = (await acceptedIn(dir)).length;
    const kid = newKid(now);
    await addKey(dir, kid);
    out(
      `events are signed with ${kid} from the next ./berth up; ${kept} earlier key(s) still ` +
        `accepted (${files(dir).public})`,
    );
    return 0;
  }
  if (args[0] === "public") {
    const keys = await localEventKeys({}, dir, now);
    out(keys.BERTH_EVENT_PUBLIC_KEYS);
    return 0;
  }
  if (args[0] === "new") {
    const key = await generateEventKey(newKid(now));
    out(`BERTH_EVENT_SIGNING_KEY=${key.signing}`);
    out(`BERTH_EVENT_PUBLIC_KEYS=${key.public}`);
    return 0;
  }
  out(keysUsage);
  return 2;
}
