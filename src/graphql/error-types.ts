import { builder } from "./builder.js";
import {
  AuthenticationError, DomainError, ForbiddenError, NotFoundError, ValidationError, VersionConflictError, type FieldIssue,
} from "./errors.js";

/** Every typed error implements `Error`, so clients can always select `... on Error { message code }`. */
export const ErrorInterface = builder.interfaceRef<DomainError>("Error").implement({
  fields: (t) => ({
    message: t.exposeString("message"),
    code: t.exposeString("code"),
  }),
});

builder.objectType(DomainError, {
  name: "BaseError",
  interfaces: [ErrorInterface],
  isTypeOf: (value) => value instanceof DomainError,
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

/** Errors every mutation may return. Domains add their own (e.g. StageCriteriaNotMetError). */
export const COMMON_ERRORS = [ValidationError, NotFoundError, ForbiddenError, VersionConflictError, DomainError];
