import { localPostgres } from "./platform.ts";
import { DATA, DENO, ensureChromium, ensureTool, ensureUsers, ROOT } from "./infra/mod.ts";
import { generateEventKey } from "../shared/events/mod.ts";

/** The keys of berth's NATS users on the test servers (made once, kept for later runs). */
const TEST_NATS_KEYS = `${DATA}/test-nats-keys`;

/**
 * `./berth test`: lint and format checks, then every `*_test.ts` against a throwaway
 * database on the private cluster (or on DATABASE_URL's server) and throwaway
 * nats-servers the tests start themselves, with berth's users and permissions.
 * Ends with `tests: N passed, N failed`.
 */
export async function test(args: string[]): Promise<number> {
  const natsServer = await ensureTool("nats-server");
  // Installed before the tests start, so two browser tests never race for apt's lock.
  const chromium = await ensureChromium();
  await ensureUsers(TEST_NATS_KEYS);
  let stopPg: (() => Promise<void>) | null = null;
  let adminUrl = Deno.env.get("DATABASE_URL");
  if (!adminUrl) {
    stopPg = (await localPostgres.use()).release;
    adminUrl = localPostgres.url("postgres");
  }
  try {
    // With paths given (./berth test api/), only those are checked and run.
    const paths = args.filter((a) => !a.startsWith("-"));
    for (const check of [["fmt", "--check", ...paths], ["lint", ...paths]]) {
      const r = await new Deno.Command(DENO, {
        args: check,
        cwd: ROOT,
        stdout: "inherit",
        stderr: "inherit",
      }).output();
      if (!r.success) {
        console.log(`berth: deno ${check.join(" ")} failed`);
        console.log("tests: 0 passed, 1 failed");
        return 1;
      }
    }
    const env = {
      ...Deno.env.toObject(),
      BERTH_TEST_DATABASE_URL: adminUrl,
      BERTH_NATS_SERVER: natsServer,
      BERTH_CHROMIUM: chromium,
      BERTH_NATS_KEYS: TEST_NATS_KEYS,
      LOG_LEVEL: Deno.env.get("LOG_LEVEL") ?? "silent",
      NO_COLOR: "1",
      // The tests' processes sign and accept events with a throwaway key of this run.
      ...(Deno.env.get("BERTH_EVENT_SIGNING_KEY")
        ? {}
        : { BERTH_EVENT_SIGNING_KEY: (await generateEventKey("test")).signing }),
    };
    const child = new Deno.Command(DENO, {
      args: ["test", "-A", "--no-prompt", ...args],
      cwd: ROOT,
      env,
      stdout: "piped",
      stderr: "inherit",
    }).spawn();
    let tail = "";
    const dec = new TextDecoder();
    for await (const chunk of child.stdout) {
      await Deno.stdout.write(chunk);
      tail = (tail + dec.decode(chunk)).slice(-4000);
    }
    const status = await child.status;
    // deno test closes with "ok | 12 passed (3 steps) | 0 failed (4s)".
    const m = /(\d+) passed(?: \(\d+ steps?\))? \| (\d+) failed/.exec(
      tail,
    );
    const passed = m ? Number(m[1]) : 0;
    const failed = m ? Number(m[2]) : status.success ? 0 : 1;
    console.log(`tests: ${passed} passed, ${failed} failed`);
    return status.success && passed > 0 ? 0 : 1;
  } finally {
    if (stopPg) await stopPg();
  }
}
