/**
 * The events a webhook endpoint may ask for. The payload's shape is versioned by `PAYLOAD_VERSION`; a change that
 * removes or renames a field bumps it (README, Webhooks).
 */
export const WEBHOOK_EVENT_TYPES = {
  "client.created": "A client was created (through the API or an import job's announcement, see import.finished)",
  "client.stage_changed": "A client moved to another pipeline stage",
  "order.invoiced": "An order was invoiced",
  "order.paid": "An order was paid",
  "order.shipped": "An order was shipped",
  "order.cancelled": "An order was cancelled",
  "import.finished": "An import job ended (succeeded or failed), with its counts",
} as const;

export type WebhookEventType = keyof typeof WEBHOOK_EVENT_TYPES;

export const PAYLOAD_VERSION = 1;

export function isWebhookEventType(value: string): value is WebhookEventType {
  return Object.hasOwn(WEBHOOK_EVENT_TYPES, value);
}
