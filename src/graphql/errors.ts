import { GraphQLError } from "graphql";

/**
 * Expected failures. In mutations they are typed results (plugin-errors); elsewhere they surface as a
 * GraphQL error with `extensions.code`. Anything that is not a DomainError (database, bugs) is masked by Yoga.
 */
/** Every code a typed error carries (the ErrorCode enum of the schema). */
export const ERROR_CODES = ["VALIDATION", "NOT_FOUND", "FORBIDDEN", "VERSION_CONFLICT", "UNAUTHENTICATED", "STAGE_CRITERIA_NOT_MET"] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export abstract class DomainError extends GraphQLError {
  readonly code: ErrorCode;
  constructor(message: string, code: ErrorCode) {
    super(message, { extensions: { code } });
    this.code = code;
  }
}

export interface FieldIssue {
  path: string[];
  message: string;
}

export class ValidationError extends DomainError {
  constructor(readonly issues: FieldIssue[]) {
    super(issues.map((i) => (i.path.length ? `${i.path.join(".")}: ${i.message}` : i.message)).join("; "), "VALIDATION");
  }
  static field(path: string, message: string): ValidationError {
    return new ValidationError([{ path: path.split("."), message }]);
  }
}

export class NotFoundError extends DomainError {
  constructor(readonly entity: string, readonly id: string) {
    super(`${entity} ${id} not found`, "NOT_FOUND");
  }
}

export class ForbiddenError extends DomainError {
  constructor(message = "You are not allowed to do this") {
    super(message, "FORBIDDEN");
  }
}

export class VersionConflictError extends DomainError {
  constructor(readonly entity: string, readonly id: string, readonly expectedVersion: number, readonly currentVersion: number) {
    super(`${entity} was changed by someone else: expected version ${expectedVersion}, current is ${currentVersion}`, "VERSION_CONFLICT");
  }
}

export class AuthenticationError extends DomainError {
  constructor(message: string) {
    super(message, "UNAUTHENTICATED");
  }
}
