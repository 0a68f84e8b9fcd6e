import { z } from "zod";
import { MAX_QUANTITY } from "../booking/mod.ts";
import { SSL_MODES } from "../db/mod.ts";

const int = (fallback: number, min = 0, max = Number.MAX_SAFE_INTEGER) =>
  z.coerce.number().int().min(min).max(max).default(fallback);

const pgUrl = z.string().refine((v) => {
  try {
    const u = new URL(v);
    return (u.protocol === "postgres:" || u.protocol === "postgresql:") && u.hostname !== "";
  } catch {
    return false;
  }
}, "must be a postgres://user@host:port/database URL").refine((v) => {
  const mode = URL.canParse(v) ? new URL(v).searchParams.get("sslmode") : null;
  return mode === null || SSL_MODES.includes(mode);
}, `sslmode must be one of ${SSL_MODES.join(", ")}`);

const natsUrl = z.string().refine(
  (v) =>
    v.split(",").every((part) => {
      try {
        const u = new URL(part.trim());
        return ["nats:", "tls:", "ws:", "wss:"].includes(u.protocol) && u.hostname !== "";
      } catch {
        return false;
      }
    }),
  "must be one or more nats://host:port URLs, comma separated",
);

const httpUrl = z.string().refine((v) => {
  try {
    return ["http:", "https:"].includes(new URL(v).protocol);
  } catch {
    return false;
  }
}, "must be an http(s):// URL");

/** Every environment variable berth reads, with its default. Documented in README.md. */
export const configSchema = z.object({
  DATABASE_URL: pgUrl,
  NATS_URL: natsUrl,
  /**
   * The folder of berth's NATS keys, one NKey seed per role (`api.nk`, `relay.nk`, …); each
   * process signs in as its role. Unset, berth connects without credentials.
   */
  BERTH_NATS_KEYS: z.string().min(1).optional(),
  /** The CA file that signed the NATS servers' certificates, for `tls://` URLs. */
  BERTH_NATS_CA: z.string().min(1).optional(),
  /** Replicas of each stream; unset, provisioning derives them from the cluster (1 to 3). */
  BERTH_NATS_REPLICAS: z.coerce.number().int().min(1).max(5).optional(),
  BERTH_HOST: z.string().min(1).default("127.0.0.1"),
  BERTH_PORT: int(8080, 1, 65535),
  BERTH_ADMIN_KEY: z.string().min(16, "must be at least 16 characters").optional(),
  BERTH_HOLD_MINUTES: int(15, 1, 24 * 60),
  BERTH_IDEMPOTENCY_TTL_HOURS: int(24, 1, 24 * 30),
  BERTH_MAX_QUANTITY: int(20, 1, MAX_QUANTITY),
  BERTH_BODY_LIMIT_BYTES: int(64 * 1024, 1024, 16 * 1024 * 1024),
  BERTH_REQUEST_TIMEOUT_MS: int(10_000, 100, 600_000),
  BERTH_BODY_TIMEOUT_MS: int(5_000, 100, 600_000),
  BERTH_RATE_LIMIT_PER_SECOND: int(0, 0, 1_000_000),
  BERTH_CORS_ORIGINS: z.string().default("*"),
  BERTH_PG_POOL: int(8, 1, 200),
  BERTH_SWEEP_INTERVAL_MS: int(1000, 50, 60_000),
  BERTH_PAYMENT_TIMEOUT_MS: int(2000, 50, 60_000),
  BERTH_SOLD_OUT_CACHE_MS: int(500, 0, 1000),
  BERTH_SMTP_URL: z.string().default("smtp://127.0.0.1:2525"),
  BERTH_MAIL_FROM: z.string().default("berth <bookings@berth.local>"),
  BERTH_WEBHOOK_ALLOW_PRIVATE: z.stringbool().default(false),
  LOG_LEVEL: z.enum(["debug", "info", "warn", "error", "silent"]).default("info"),
  /** Where traces go (OTLP/HTTP); unset, nothing is traced. Deno's OpenTelemetry reads it. */
  OTEL_EXPORTER_OTLP_ENDPOINT: httpUrl.optional(),
  /** `<kid>:<base64 PKCS#8 Ed25519>`: the key events are signed with (shared/events/keys.ts). */
  BERTH_EVENT_SIGNING_KEY: z.string().regex(/^[A-Za-z0-9._-]{1,64}:[A-Za-z0-9+/=]+$/, {
    message: "must be <kid>:<base64 PKCS#8 key>",
  }).optional(),
  /** `<kid>:<base64 raw key>`, comma separated: further public keys events may be signed with. */
  BERTH_EVENT_PUBLIC_KEYS: z.string().regex(
    /^[A-Za-z0-9._-]{1,64}:[A-Za-z0-9+/=]+(\s*,\s*[A-Za-z0-9._-]{1,64}:[A-Za-z0-9+/=]+)*$/,
    { message: "must be <kid>:<base64 key>, comma separated" },
  ).optional(),
  /** Set by `up` for each api and workers process: where it serves its metrics to the hub. */
  BERTH_METRICS_SOCKET: z.string().optional(),
  /** Set by `up` for each api process: the hub's socket, which /metrics relays. */
  BERTH_METRICS_HUB: z.string().optional(),
});

export type Config = z.infer<typeof configSchema>;

/** Raised when the environment does not make a valid configuration. One line, names the variable. */
export class ConfigError extends Error {
  override name = "ConfigError";
}

/** Parses the environment once; throws ConfigError naming the first bad variable. */
export function loadConfig(env: Record<string, string | undefined> = Deno.env.toObject()): Config {
  const cleaned = Object.fromEntries(
    Object.entries(env).filter(([, v]) => v !== undefined && v !== ""),
  );
  const parsed = configSchema.safeParse(cleaned);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const name = String(issue.path[0] ?? "environment");
    const message = issue.code === "invalid_type" && cleaned[name] === undefined
      ? "is required"
      : issue.message;
    throw new ConfigError(`config: ${name} ${message}`);
  }
  return parsed.data;
}

/** The parsed config of a process's entry point; a bad variable ends it with its one line. */
export function loadConfigOrExit(): Config {
  try {
    return loadConfig();
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    console.error(err.message);
    Deno.exit(2);
  }
}
