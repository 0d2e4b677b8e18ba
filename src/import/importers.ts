import type { ImportKind } from "../generated/prisma/enums.js";
import { importClients } from "./import-clients.js";
import { importContacts } from "./import-contacts.js";
import { importOrders } from "./import-orders.js";

/** The engine behind every door (CLI, GraphQL upload), by kind of record. */
export const IMPORTERS = { CLIENTS: importClients, CONTACTS: importContacts, ORDERS: importOrders } satisfies Record<ImportKind, unknown>;
