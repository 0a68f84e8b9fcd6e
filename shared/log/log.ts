import { AsyncLocalStorage } from "node:async_hooks";

/** Fields carried through a request or a message so every log line can name them. */
export interface LogContext {
  requestId?: string;
  correlationId?: string;
  [key: string]: unknown;
}

const context = new AsyncLocalStorage<LogContext>();
const levels = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 } as const;
export type LogLevel = keyof typeof levels;

let threshold: number = levels[(Deno.env.get("LOG_LEVEL") as LogLevel) ?? "info"] ?? levels.info;
let service = "berth";

/** Sets the level and the service name written on every line. */
export function configureLog(opts: { level?: LogLevel; service?: string }): void {
  if (opts.level) threshold = levels[opts.level];
  if (opts.service) service = opts.service;
}

/** Runs `fn` with `ctx` attached to every log line written inside it. */
export function withLogContext<T>(ctx: LogContext, fn: () => T): T {
  return context.run({ ...context.getStore(), ...ctx }, fn);
}

function write(level: LogLevel, msg: string, fields?: Record<string, unknown>): void {
  if (levels[level] < threshold) return;
  const line: Record<string, unknown> = {
    time: new Date().toISOString(),
    level,
    service,
    msg,
    ...context.getStore(),
    ...fields,
  };
  if (line.err instanceof Error) {
    const e = line.err as Error & { code?: string };
    line.err = { name: e.name, message: e.message, code: e.code, stack: e.stack };
  }
  const text = JSON.stringify(line);
  if (levels[level] >= levels.warn) console.error(text);
  else console.log(text);
}

/** JSON-lines logger; each line carries the current request/correlation ids. */
export const log = {
  debug: (msg: string, fields?: Record<string, unknown>) => write("debug", msg, fields),
  info: (msg: string, fields?: Record<string, unknown>) => write("info", msg, fields),
  warn: (msg: string, fields?: Record<string, unknown>) => write("warn", msg, fields),
  error: (msg: string, fields?: Record<string, unknown>) => write("error", msg, fields),
};
