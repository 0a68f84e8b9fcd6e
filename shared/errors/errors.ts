/** A field-level problem in a request, as listed in problem+json `errors`. */
export interface FieldError {
  path: string;
  message: string;
}

/**
 * What kind of refusal an error is. The HTTP layer maps each kind to a status; the domain
 * knows nothing of HTTP.
 */
export type ErrorKind =
  | "invalid"
  | "unauthorized"
  | "forbidden"
  | "not_found"
  | "conflict"
  | "precondition_failed";

/** Every stable code a domain error can carry, with its kind: the one list of them. */
export const errorCodes = {
  validation_failed: "invalid",
  date_in_past: "invalid",
  unauthorized: "unauthorized",
  forbidden: "forbidden",
  not_found: "not_found",
  conflict: "conflict",
  sold_out: "conflict",
  invalid_transition: "conflict",
  too_early: "conflict",
  modification_pending: "conflict",
  idempotency_conflict: "conflict",
  inventory_below_booked: "conflict",
  hold_expired: "conflict",
  hold_active: "conflict",
  precondition_failed: "precondition_failed",
} as const satisfies Record<string, ErrorKind>;

/** A stable code clients can branch on. */
export type ErrorCode = keyof typeof errorCodes;

/** The codes of one kind. */
type CodeOf<K extends ErrorKind> = {
  [C in ErrorCode]: (typeof errorCodes)[C] extends K ? C : never;
}[ErrorCode];

/**
 * An error the domain expects, with a stable `code` that clients can branch on and its `kind`.
 * One handler in the api turns it into problem+json.
 */
export class DomainError extends Error {
  override name = "DomainError";
  readonly kind: ErrorKind;
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly errors?: FieldError[],
  ) {
    super(message);
    this.kind = errorCodes[code];
  }
}

export class ValidationFailed extends DomainError {
  override name = "ValidationFailed";
  constructor(message: string, errors?: FieldError[]) {
    super("validation_failed", message, errors);
  }
}

/** A date that has passed at the property: the request can never succeed as it is. */
export class DateInPast extends DomainError {
  override name = "DateInPast";
  constructor(message: string, errors: FieldError[]) {
    super("date_in_past", message, errors);
  }
}

export class NotFound extends DomainError {
  override name = "NotFound";
  constructor(message: string) {
    super("not_found", message);
  }
}

/** The request clashes with the state it met; `code` says how. */
/** `row`, or 404 `not_found` saying there is no `what` (`found(row, "webhook wh_1")`). */
export function found<T>(row: T | null | undefined, what: string): T {
  if (!row) throw new NotFound(`no ${what}`);
  return row;
}

/** The request clashes with the state it met; `code` says how. */
export class Conflict extends DomainError {
  override name = "Conflict";
  constructor(message: string, code: CodeOf<"conflict"> = "conflict") {
    super(code, message);
  }
}

/**
 * An `If-Match` that names none of the thing's current versions: someone changed it since the
 * client read it, so the client's change is refused rather than applied over theirs.
 */
export class PreconditionFailed extends DomainError {
  override name = "PreconditionFailed";
  constructor(message: string) {
    super("precondition_failed", message);
  }
}

export class SoldOut extends DomainError {
  override name = "SoldOut";
  constructor(message: string) {
    super("sold_out", message);
  }
}

export class InvalidTransition extends DomainError {
  override name = "InvalidTransition";
  constructor(from: string, action: string) {
    super("invalid_transition", `a ${from} reservation cannot be ${action}`);
  }
}

export class Unauthorized extends DomainError {
  override name = "Unauthorized";
  constructor(message = "a valid API key is required: Authorization: Bearer <key>") {
    super("unauthorized", message);
  }
}

export class Forbidden extends DomainError {
  override name = "Forbidden";
  constructor(message = "this API key may not do that") {
    super("forbidden", message);
  }
}
