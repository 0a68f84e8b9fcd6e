import type { OpenAPIHono } from "@hono/zod-openapi";
import type { Env } from "../http/mod.ts";
import { z } from "zod";
import { apiModule, pageOf, positionOf } from "../http/mod.ts";
import { found, ValidationFailed } from "../../shared/errors/mod.ts";
import { privateHostProblem } from "../../shared/net/mod.ts";
import { inTransaction } from "../../shared/db/mod.ts";
import { mustFindProperty } from "../../shared/catalogue/mod.ts";
import { prefixedId } from "../../shared/ids/mod.ts";
import * as s from "./schemas.ts";
import * as q from "./queries.ts";
import * as op from "./contract.ts";

const iso = (d: Date | string) => new Date(d).toISOString();

/** An endpoint as the api shows it: never its secret. */
function endpointJson(e: q.EndpointRow) {
  return {
    id: e.id,
    propertyId: e.property_id,
    url: e.url,
    events: e.events,
    description: e.description,
    status: e.status,
    consecutiveGone: e.consecutive_gone,
    disabledReason: e.disabled_reason,
    createdAt: iso(e.created_at),
    updatedAt: iso(e.updated_at),
  };
}

function deliveryJson(d: q.DeliveryRow) {
  return {
    id: d.id,
    eventId: d.event_id,
    eventType: d.event_type,
    status: d.status,
    attempts: d.attempts,
    nextAttemptAt: d.status === "pending" ? iso(d.next_attempt_at) : null,
    lastError: d.last_error,
    createdAt: iso(d.created_at),
    log: d.log.map((a) => ({
      attempt: a.attempt,
      at: iso(a.started_at),
      durationMs: a.duration_ms,
      ok: a.ok,
      statusCode: a.status_code,
      error: a.error,
    })),
  };
}

async function mustFindEndpoint(c: { var: Env["Variables"] }, id: string) {
  return found(await q.findEndpoint(c.var.deps.sql, id), `webhook ${id}`);
}

/**
 * Webhook endpoints (admin only): register per property with the event types wanted (the
 * secret is in the 201 answer only), list, read, delete, enable again after it was disabled,
 * and read its deliveries with every attempt.
 */
export function webhookRoutes(): OpenAPIHono<Env> {
  return apiModule()
    .openapi(
      op.createWebhook,
      async (c) => {
        const { propertyId } = c.req.valid("param");
        const b = c.req.valid("json");
        const { sql, config } = c.var.deps;
        const inside = config.BERTH_WEBHOOK_ALLOW_PRIVATE ? null : privateHostProblem(
          new URL(b.url).hostname,
        );
        if (inside) {
          throw new ValidationFailed("the request json is not valid", [
            { path: "url", message: `must not point inside the network: ${inside}` },
          ]);
        }
        await mustFindProperty(sql, propertyId);
        const row = await q.insertEndpoint(sql, {
          id: prefixedId("wh_"),
          property_id: propertyId,
          url: b.url,
          events: b.events,
          secret: newWebhookSecret(),
          description: b.description ?? null,
        });
        c.header("Location", `/v1/webhooks/${row.id}`);
        return c.json({ ...endpointJson(row), secret: row.secret }, 201);
      },
    )
    .openapi(
      op.listWebhooks,
      async (c) => {
        const { propertyId } = c.req.valid("param");
        const { limit, cursor } = c.req.valid("query");
        const after = positionOf(cursor, s.webhookParam.shape.webhookId);
        const { sql } = c.var.deps;
        await mustFindProperty(sql, propertyId);
        const rows = await q.listEndpoints(sql, propertyId, { after, limit: limit + 1 });
        const position = (r: (typeof rows)[number]) => ({ at: r.cursor_at, id: r.id });
        return c.json(pageOf(c, rows, limit, position, endpointJson), 200);
      },
    )
    .openapi(op.getWebhook, async (c) => {
      return c.json(endpointJson(await mustFindEndpoint(c, c.req.valid("param").webhookId)), 200);
    })
    .openapi(op.deleteWebhook, async (c) => {
      const { webhookId } = c.req.valid("param");
      found(
        await inTransaction(c.var.deps.sql, (tx) => q.deleteEndpoint(tx, webhookId)),
        `webhook ${webhookId}`,
      );
      return c.body(null, 204);
    })
    .openapi(op.enableWebhook, async (c) => {
      const { webhookId } = c.req.valid("param");
      const row = found(await q.enableEndpoint(c.var.deps.sql, webhookId), `webhook ${webhookId}`);
      return c.json(endpointJson(row), 200);
    })
    .openapi(
      op.listDeliveries,
      async (c) => {
        const { webhookId } = c.req.valid("param");
        const { limit, cursor } = c.req.valid("query");
        const after = positionOf(cursor, z.uuid());
        await mustFindEndpoint(c, webhookId);
        const rows = await q.listDeliveries(c.var.deps.sql, webhookId, { after, limit: limit + 1 });
        const position = (r: (typeof rows)[number]) => ({ at: r.cursor_at, id: r.id });
        return c.json(pageOf(c, rows, limit, position, deliveryJson), 200);
      },
    );
}

/** A new endpoint secret: `whsec_` and 32 random bytes in hex (shown once). */
export function newWebhookSecret(): string {
  const b = crypto.getRandomValues(new Uint8Array(32));
  return "whsec_" + Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
}
