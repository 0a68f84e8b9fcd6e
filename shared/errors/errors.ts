/** A field-level problem in a request, as listed in problem+json `errors`. */
export interface FieldError {
  path: string;
  message: string;
}

/**
 * An error the domain expects, with a stable `code` that clients can branch on and the
 * HTTP status it maps to. One handler in the api turns it into problem+json.
 */
export class DomainError extends Error {
  override name = "DomainError";
  constructor(
    readonly code: string,
    readonly status: number,
    message: string,
    readonly errors?: FieldError[],
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

export class ValidationFailed extends DomainError {
  override name = "ValidationFailed";
  constructor(message: string, errors?: FieldError[]) {
    super("validation_failed", 400, message, errors);
  }
}

/** A date that has passed at the property: the request can never succeed as it is. */
export class DateInPast extends DomainError {
  override name = "DateInPast";
  constructor(message: string, errors: FieldError[]) {
    super("date_in_past", 400, message, errors);
  }
}

export class NotFound extends DomainError {
  override name = "NotFound";
  constructor(message: string) {
    super("not_found", 404, message);
  }
}

export class Conflict extends DomainError {
  override name = "Conflict";
  constructor(message: string, code = "conflict") {
    super(code, 409, message);
  }
}

/**
 * An `If-Match` that names none of the thing's current versions: someone changed it since the
 * client read it, so the client's change is refused rather than applied over theirs.
 */
export class PreconditionFailed extends DomainError {
  override name = "PreconditionFailed";
  constructor(message: string) {
    super("precondition_failed", 412, message);
  }
}

export class SoldOut extends DomainError {
  override name = "SoldOut";
  constructor(message: string) {
    super("sold_out", 409, message);
  }
}

export class InvalidTransition extends DomainError {
  override name = "InvalidTransition";
  constructor(from: string, action: string) {
    super("invalid_transition", 409, `a ${from} reservation cannot be ${action}`);
  }
}

export class Unauthorized extends DomainError {
  override name = "Unauthorized";
  constructor(message = "a valid API key is required: Authorization: Bearer <key>") {
    super("unauthorized", 401, message);
  }
}

export class Forbidden extends DomainError {
  override name = "Forbidden";
  constructor(message = "this API key may not do that") {
    super("forbidden", 403, message);
  }
}

export class Unavailable extends DomainError {
  override name = "Unavailable";
  constructor(message: string, options?: ErrorOptions) {
    super("unavailable", 503, message, undefined, options);
  }
}
