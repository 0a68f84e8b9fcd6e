/** API keys' operations as clients see them (see `api/http/openapi.ts` for the style). */
import { z } from "zod";
import { json, operation, pageQuery, pageSchema } from "../http/mod.ts";
import { instant } from "../catalogue/mod.ts";

export const createKeyBody = z.object({
  name: z.string().trim().min(1).max(200).meta({ example: "front desk" }),
  role: z.enum(["admin", "client"]).meta({ example: "client" }),
}).strict();

/** An API key as the api shows it: never its secret, which only the 201 carries. */
export const apiKey = z.object({
  id: z.uuid(),
  name: z.string().meta({ example: "front desk" }),
  role: z.enum(["admin", "client"]),
  createdAt: instant,
  revokedAt: instant.nullable(),
}).meta({ id: "ApiKey" });

export const keyParam = z.object({ id: z.uuid() });

export const createKey = operation({
  method: "post",
  path: "/v1/api-keys",
  operationId: "createApiKey",
  tags: ["keys"],
  summary: "Create an API key (the secret is shown once)",
  description: "An `admin` key manages everything; a `client` key books and sees or changes " +
    "only the reservations made with it. Keys are stored as SHA-256 hashes.",
  role: "admin",
  request: { body: { required: true, content: { "application/json": { schema: createKeyBody } } } },
  responses: {
    201: json(
      apiKey.extend({
        key: z.string().meta({
          description: "the secret: `Authorization: Bearer <key>`; shown only here",
          example: "bk_3q2-7wQ…",
        }),
      }),
      "the new key with its secret",
    ),
  },
});

export const listKeys = operation({
  method: "get",
  path: "/v1/api-keys",
  operationId: "listApiKeys",
  tags: ["keys"],
  summary: "List API keys, oldest first, a page at a time",
  role: "admin",
  request: { query: pageQuery },
  responses: { 200: json(pageSchema(apiKey), "a page of keys, revoked ones too") },
});

export const revokeKey = operation({
  method: "delete",
  path: "/v1/api-keys/{id}",
  operationId: "revokeApiKey",
  tags: ["keys"],
  summary: "Revoke an API key",
  description: "Every api instance stops taking it within 5 seconds (the lookup cache).",
  role: "admin",
  request: { params: keyParam },
  responses: { 200: json(apiKey, "the revoked key") },
  errors: { 404: ["not_found"] },
});
