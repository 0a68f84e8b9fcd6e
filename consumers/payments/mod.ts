/**
 * The payments service: a provider interface behind a timeout and a circuit breaker, the
 * deterministic simulator, the payment rules, the consumer and the daily settlement.
 * See docs/payments.md.
 */
export type { BreakerOptions, BreakerState } from "./breaker.ts";
export { CircuitBreaker, CircuitOpenError, ProviderTimeoutError } from "./breaker.ts";
export type {
  AuthorizeRequest,
  AuthorizeResult,
  MoneyRequest,
  PaymentProvider,
} from "./provider.ts";
export { GuardedProvider, ProviderRejection } from "./provider.ts";
export type { SimulatedPayment } from "./simulator.ts";
export { PaymentSimulator, SimulatorRejection } from "./simulator.ts";
export * from "./policy.ts";
export type { PaymentsDeps } from "./service.ts";
export { authorizeWithTries, payments, paymentsService } from "./service.ts";
export type { Settlement, SettlementOptions } from "./settlement.ts";
export { dayBefore, runSettlement, settleDay } from "./settlement.ts";
