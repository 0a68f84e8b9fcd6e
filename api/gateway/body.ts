import type { MiddlewareHandler } from "hono";
import type { Env } from "../http/mod.ts";
import { ApiError } from "../http/mod.ts";

/**
 * Reads the whole request body before any handler does, so no handler waits on a client: more
 * than `maxBytes` is 413 `payload_too_large`; a body not all there within `timeoutMs` (shorter
 * than its Content-Length, or stalled) is 408 `request_timeout`.
 */
export function readBody(opts: { maxBytes: number; timeoutMs: number }): MiddlewareHandler<Env> {
  const tooLarge = () =>
    new ApiError(413, "payload_too_large", `the body is larger than ${opts.maxBytes} bytes`);
  return async (c, next) => {
    const body = c.req.raw.body;
    if (!body) return await next();
    if (Number(c.req.header("content-length") ?? 0) > opts.maxBytes) throw tooLarge();
    const reader = body.getReader();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        reject(
          new ApiError(408, "request_timeout", `the body did not arrive in ${opts.timeoutMs} ms`),
        );
      }, opts.timeoutMs);
    });
    const chunks: Uint8Array<ArrayBuffer>[] = [];
    try {
      for (let size = 0;;) {
        const { done, value } = await Promise.race([reader.read(), late]);
        if (done) break;
        size += value.length;
        if (size > opts.maxBytes) throw tooLarge();
        chunks.push(value);
      }
    } catch (err) {
      reader.cancel().catch(() => {});
      throw err;
    } finally {
      clearTimeout(timer);
    }
    c.req.raw = new Request(c.req.raw, { body: new Blob(chunks) });
    await next();
  };
}
