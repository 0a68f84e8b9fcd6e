/**
 * The payments service: a provider interface behind a timeout and a circuit breaker, the
 * deterministic simulator, the payment rules, the consumer and the daily settlement.
 * See docs/payments.md.
 */
export {
  type BreakerOptions,
  type BreakerState,
  CircuitBreaker,
  CircuitOpenError,
  ProviderTimeoutError,
} from "./breaker.ts";
export {
  type AuthorizeRequest,
  type AuthorizeResult,
  GuardedProvider,
  type MoneyRequest,
  type PaymentProvider,
  ProviderRejection,
} from "./provider.ts";
export { PaymentSimulator, type SimulatedPayment, SimulatorRejection } from "./simulator.ts";
export * from "./policy.ts";
export { authorizeWithTries, payments, type PaymentsDeps, paymentsService } from "./service.ts";
export {
  dayBefore,
  runSettlement,
  settleDay,
  type Settlement,
  type SettlementOptions,
} from "./settlement.ts";
