/**
 * The events a webhook endpoint may ask for. The payload's shape is versioned by `PAYLOAD_VERSION`; a change that
 * removes or renames a field bumps it (README, Webhooks).
 */
export const WEBHOOK_EVENT_TYPES = {
  "client.created": "A client was created through the API (an import announces itself once, with import.finished)",
  "client.updated": "A client's card changed (fields, channel, account manager, custom fields)",
  "client.reassigned": "A client got another owner (or none)",
  "client.stage_changed": "A client moved to another pipeline stage",
  "task.created": "A task was created by a person (follow-ups created by rules are announced by their cause)",
  "task.due": "A task's due time came: its reminder fired",
  "task.completed": "A task was done",
  "task.escalated": "A task stayed overdue past the organization's limit",
  "reactivation.added": "A lapsed client entered the reactivation list",
  "reactivation.closed": "A reactivation entry closed: won back (by a call or a new purchase) or lost",
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
