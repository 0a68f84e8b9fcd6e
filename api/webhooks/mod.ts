/** The webhooks module: the admin's registry of webhook endpoints per property. */
export { newWebhookSecret, webhookRoutes } from "./routes.ts";
export * as webhookSchemas from "./schemas.ts";
