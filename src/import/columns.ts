/**
 * Which column of a file is which field. The API's field names are the canonical headers, accepted in camelCase or
 * snake_case, in any case and spacing ("External ID", "external_id", "externalId"); common synonyms, Russian ones
 * included, are listed per field; an explicit mapping wins over all of that. Custom fields are matched by key or
 * label, or written as "customFields.<key>".
 */
export type ImportKind = "clients" | "contacts" | "orders";

export const CLIENT_COLUMNS: Record<string, string[]> = {
  externalId: ["id", "external id", "code", "код", "внешний id", "внешний код", "ид"],
  name: ["company", "company name", "client", "название", "наименование", "компания", "клиент"],
  kind: ["type", "тип"],
  website: ["site", "url", "web", "сайт"],
  phone: ["telephone", "tel", "телефон", "тел"],
  email: ["e-mail", "mail", "почта", "эл. почта", "электронная почта"],
  businessDescription: ["business", "description", "описание", "описание бизнеса", "бизнес"],
  targetAudience: ["audience", "целевая аудитория", "ца", "аудитория"],
  competitors: ["конкуренты"],
  problemsFound: ["problems", "проблемы", "найденные проблемы"],
  proposedSolutions: ["solutions", "решения", "предложенные решения"],
  ownerEmail: ["owner", "manager", "ответственный", "менеджер"],
  channel: ["source", "канал", "источник"],
};

export const ORDER_COLUMNS: Record<string, string[]> = {
  externalId: ["id", "external id", "order id", "код", "код заказа", "внешний id"],
  clientExternalId: ["client", "client id", "client external id", "клиент", "код клиента"],
  number: ["invoice", "invoice number", "номер", "номер счета", "№"],
  amount: ["sum", "total", "сумма", "итого"],
  invoicedAt: ["invoiced", "invoice date", "дата счета", "выставлен"],
  paidAt: ["paid", "payment date", "дата оплаты", "оплачен"],
  shippedAt: ["shipped", "shipment date", "дата отгрузки", "отгружен"],
  cancelledAt: ["cancelled", "canceled", "дата отмены", "отменен"],
};

export const CONTACT_COLUMNS: Record<string, string[]> = {
  externalId: ["id", "external id", "код", "внешний id"],
  fullName: ["name", "full name", "person", "фио", "имя", "контакт"],
  phones: ["phone", "telephone", "телефон", "телефоны"],
  emails: ["email", "e-mail", "mail", "почта", "эл. почта"],
  clientExternalId: ["client", "client id", "company", "клиент", "код клиента", "компания"],
  title: ["position", "job title", "должность"],
  isDecisionMaker: ["decision maker", "dm", "лпр"],
  directPhone: ["direct phone", "direct line", "прямой телефон"],
  startedAt: ["start", "started", "дата начала", "работает с"],
  endedAt: ["end", "ended", "дата окончания", "работал по"],
};

export const REQUIRED_COLUMNS: Record<ImportKind, string[]> = { clients: ["name"], contacts: ["fullName"], orders: ["clientExternalId", "amount"] };

export interface CustomFieldRef {
  key: string;
  label: string;
}

export interface ColumnMapping {
  /** File header → field name ("name", "customFields.budget"…). */
  fields: Map<string, string>;
  /** Headers that match nothing: reported, not imported. */
  unknown: string[];
  /** Required fields with no column. */
  missing: string[];
}

/** The file's header for a field, to report a problem in the file's own words (the field name when it has none). */
export const columnOf = (mapping: ColumnMapping, field: string): string => [...mapping.fields].find(([, f]) => f === field)?.[0] ?? field;

/** Lower case without spaces, underscores, dashes or dots: "External_ID" and "externalId" read alike. */
export const normaliseHeader = (header: string) => header.toLowerCase().replace(/[\s_.\-]+/g, "");

export function mapColumns(
  kind: ImportKind,
  headers: string[],
  customFields: CustomFieldRef[],
  explicit: Record<string, string> = {},
): ColumnMapping {
  const columns = { clients: CLIENT_COLUMNS, contacts: CONTACT_COLUMNS, orders: ORDER_COLUMNS }[kind];
  const lookup = new Map<string, string>();
  for (const [field, synonyms] of Object.entries(columns)) {
    for (const name of [field, ...synonyms]) lookup.set(normaliseHeader(name), field);
  }
  for (const { key, label } of customFields) {
    for (const name of [key, label, `customFields.${key}`]) lookup.set(normaliseHeader(name), `customFields.${key}`);
  }
  const explicitByHeader = new Map(Object.entries(explicit).map(([header, field]) => [normaliseHeader(header), field]));
  const fields = new Map<string, string>();
  const unknown: string[] = [];
  for (const header of headers) {
    const target = explicitByHeader.get(normaliseHeader(header)) ?? lookup.get(normaliseHeader(header));
    if (target && ![...fields.values()].includes(target)) fields.set(header, target);
    else unknown.push(header);
  }
  const mapped = new Set(fields.values());
  return { fields, unknown, missing: REQUIRED_COLUMNS[kind].filter((field) => !mapped.has(field)) };
}
