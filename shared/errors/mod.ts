/** The domain error hierarchy, each with a stable code and a kind (never an HTTP status). */
export {
  Conflict,
  DateInPast,
  DomainError,
  errorCodes,
  Forbidden,
  found,
  InvalidTransition,
  NotFound,
  PreconditionFailed,
  SoldOut,
  Unauthorized,
  ValidationFailed,
} from "./errors.ts";
export type { ErrorCode, ErrorKind, FieldError } from "./errors.ts";
