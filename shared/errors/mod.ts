/** The domain error hierarchy, each with a stable code. */
export {
  Conflict,
  DateInPast,
  DomainError,
  Forbidden,
  InvalidTransition,
  NotFound,
  PreconditionFailed,
  SoldOut,
  Unauthorized,
  ValidationFailed,
} from "./errors.ts";
export type { FieldError } from "./errors.ts";
