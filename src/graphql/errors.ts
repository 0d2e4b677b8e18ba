/**
 * Expected failures, exposed in the schema as typed errors. Anything that is not a DomainError
 * (database, bugs) is masked by Yoga.
 */
export class DomainError extends Error {
  readonly code: string = "DOMAIN_ERROR";
}

export interface FieldIssue {
  path: string[];
  message: string;
}

export class ValidationError extends DomainError {
  override readonly code = "VALIDATION";
  constructor(readonly issues: FieldIssue[]) {
    super(issues.map((i) => (i.path.length ? `${i.path.join(".")}: ${i.message}` : i.message)).join("; "));
  }
  static field(path: string, message: string): ValidationError {
    return new ValidationError([{ path: path.split("."), message }]);
  }
}

export class NotFoundError extends DomainError {
  override readonly code = "NOT_FOUND";
  constructor(readonly entity: string, readonly id: string) {
    super(`${entity} ${id} not found`);
  }
}

export class ForbiddenError extends DomainError {
  override readonly code = "FORBIDDEN";
  constructor(message = "You are not allowed to do this") {
    super(message);
  }
}

export class VersionConflictError extends DomainError {
  override readonly code = "VERSION_CONFLICT";
  constructor(readonly entity: string, readonly id: string, readonly expectedVersion: number, readonly currentVersion: number) {
    super(`${entity} was changed by someone else: expected version ${expectedVersion}, current is ${currentVersion}`);
  }
}

export class AuthenticationError extends DomainError {
  override readonly code = "UNAUTHENTICATED";
}
