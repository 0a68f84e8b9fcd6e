import type { NatsConnection } from "@nats-io/transport-node";
import type { Sql } from "../../shared/db/mod.ts";
import type { Config } from "../../shared/config/mod.ts";
import type { Registry } from "../../shared/metrics/mod.ts";
import type { Principal } from "../keys/mod.ts";
import type { SoldOutCache } from "../../shared/booking/mod.ts";

/** What the api needs from outside; passed in by main.ts (or a test), never imported. */
export interface Deps {
  sql: Sql;
  /** null when the api runs without NATS (readiness then reports it). */
  nc: NatsConnection | null;
  config: Config;
  /** This process's metrics; `/metrics` answers them summed with every other process's. */
  registry: Registry;
  /** The clock; tests pass a fixed or movable one. */
  now: () => Date;
  /** Drops cached API key lookups (after a revocation). */
  forgetKeys: () => void;
  /** Sold-out (resource, date) keys and seats this process found lately (none: always ask). */
  soldOut?: SoldOutCache;
}

/** Hono environment: per-request variables set by the gateway. */
export interface Env {
  Variables: {
    deps: Deps;
    requestId: string;
    correlationId: string;
    principal: Principal;
  };
}
