import { DateTimeResolver, EmailAddressResolver, JSONResolver, URLResolver } from "graphql-scalars";
import { GraphQLError, Kind } from "graphql";
import { normalizePhone } from "../shared/phone.js";
import { builder } from "./builder.js";

builder.addScalarType("DateTime", DateTimeResolver);
builder.addScalarType("EmailAddress", EmailAddressResolver);
builder.addScalarType("JSON", JSONResolver);
builder.scalarType("URL", {
  description: "An absolute http(s) URL.",
  serialize: (value) => String(value),
  parseValue: (value) => parseUrl(value),
  parseLiteral: (ast) => parseUrl(ast.kind === Kind.STRING ? ast.value : undefined),
});
void URLResolver;

builder.scalarType("PhoneNumber", {
  description: "A phone number, normalised to E.164 (+79161234567). Input may contain spaces, dashes and brackets.",
  serialize: (value) => String(value),
  parseValue: (value) => parsePhone(value),
  parseLiteral: (ast) => parsePhone(ast.kind === Kind.STRING ? ast.value : undefined),
});

builder.scalarType("File", {
  description:
    "A file sent with the request as the GraphQL multipart request specification says (multipart/form-data with " +
    "`operations`, `map` and the file parts). Input only.",
  serialize: () => {
    throw new GraphQLError("File is an input-only scalar");
  },
  parseValue: (value) => {
    // Yoga hands over a WHATWG File, possibly its Node ponyfill (not an instance of the global Blob).
    if (typeof value === "object" && value !== null && typeof (value as Blob).stream === "function" && typeof (value as Blob).arrayBuffer === "function") return value as File;
    throw new GraphQLError("File must be sent as a multipart upload (GraphQL multipart request specification)");
  },
});

builder.scalarType("Decimal", {
  description: "An exact decimal number as a string (money is never a float), e.g. \"9000.00\".",
  serialize: (value) => String(value),
  parseValue: (value) => parseDecimal(value),
  parseLiteral: (ast) => parseDecimal(ast.kind === Kind.STRING || ast.kind === Kind.INT ? ast.value : undefined),
});

function parseUrl(value: unknown): string {
  if (typeof value === "string" && value.length <= 2048) {
    try {
      const url = new URL(value);
      if (url.protocol === "http:" || url.protocol === "https:") return url.toString();
    } catch {
      // fall through to the error below
    }
  }
  throw new GraphQLError("URL must be an absolute http(s) URL");
}

function parsePhone(value: unknown): string {
  const phone = typeof value === "string" ? normalizePhone(value) : undefined;
  if (!phone) throw new GraphQLError("PhoneNumber must be a valid international phone number, e.g. +7 916 123-45-67");
  return phone;
}

const DECIMAL = /^-?\d{1,15}(\.\d{1,4})?$/;
function parseDecimal(value: unknown): string {
  if (typeof value === "string" && DECIMAL.test(value)) return value;
  throw new GraphQLError("Decimal must be a string like \"1234.56\" (at most 15 integer and 4 fraction digits)");
}
