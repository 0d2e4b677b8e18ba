import { builder } from "./builder.js";
import {
  AuthenticationError, ERROR_CODES, ForbiddenError, NotFoundError, ValidationError, VersionConflictError, type DomainError, type FieldIssue,
} from "./errors.js";

const ErrorCodeEnum = builder.enumType("ErrorCode", {
  description: "What kind of failure a typed error is",
  values: {
    VALIDATION: { description: "Input is invalid; `issues` names each field" },
    NOT_FOUND: { description: "No such record in your organization" },
    FORBIDDEN: { description: "Your role or ownership does not allow it" },
    VERSION_CONFLICT: { description: "Someone changed the record after you read it; reload and retry" },
    UNAUTHENTICATED: { description: "Wrong credentials, or a session that cannot be refreshed" },
    STAGE_CRITERIA_NOT_MET: { description: "A forward stage move whose exit criteria do not hold; `unmet` lists them" },
  } satisfies Record<(typeof ERROR_CODES)[number], { description: string }>,
});

/**
 * Every typed error implements `Error`, so clients can always select `... on Error { message code }`. Each
 * mutation's result union lists exactly the errors it can return.
 */
export const ErrorInterface = builder.interfaceRef<DomainError>("Error").implement({
  description: "A failure the caller can act on, returned in a mutation's result union",
  fields: (t) => ({
    message: t.exposeString("message", { description: "For people: what went wrong" }),
    code: t.field({ type: ErrorCodeEnum, description: "For programs: the kind of failure", resolve: (e) => e.code }),
  }),
});

const FieldIssueRef = builder.objectRef<FieldIssue>("FieldIssue").implement({
  fields: (t) => ({
    path: t.exposeStringList("path", { description: "Path of the offending input field, e.g. [\"input\", \"email\"]" }),
    message: t.exposeString("message"),
  }),
});

builder.objectType(ValidationError, {
  name: "ValidationError",
  interfaces: [ErrorInterface],
  isTypeOf: (value) => value instanceof ValidationError,
  fields: (t) => ({ issues: t.field({ type: [FieldIssueRef], resolve: (e) => e.issues }) }),
});

builder.objectType(NotFoundError, {
  name: "NotFoundError",
  interfaces: [ErrorInterface],
  isTypeOf: (value) => value instanceof NotFoundError,
  fields: (t) => ({
    entity: t.exposeString("entity", { description: "The kind of record, e.g. \"Client\"" }),
    entityId: t.id({ description: "The global id that was not found (named so caches do not take the error for the record)", resolve: (e) => e.id }),
  }),
});

builder.objectType(ForbiddenError, {
  name: "ForbiddenError",
  interfaces: [ErrorInterface],
  isTypeOf: (value) => value instanceof ForbiddenError,
});

builder.objectType(AuthenticationError, {
  name: "AuthenticationError",
  interfaces: [ErrorInterface],
  isTypeOf: (value) => value instanceof AuthenticationError,
});

builder.objectType(VersionConflictError, {
  name: "VersionConflictError",
  interfaces: [ErrorInterface],
  isTypeOf: (value) => value instanceof VersionConflictError,
  fields: (t) => ({
    entity: t.exposeString("entity", { description: "The kind of record, e.g. \"Client\"" }),
    entityId: t.id({ description: "The record's global id (named so caches do not take the error for the record)", resolve: (e) => e.id }),
    expectedVersion: t.exposeInt("expectedVersion"),
    currentVersion: t.exposeInt("currentVersion"),
  }),
});


