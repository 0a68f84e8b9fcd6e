/**
 * Given/when/then over a pure decision, in the style of emmett's samples:
 * `spec.given(state).when(command).then((decided) => ...)` or `.thenRefuses(code)`. The decision is
 * the whole function under test; nothing is stubbed.
 */
import assert from "node:assert/strict";

/** A spec of `decide`: `given(state)` starts a case. */
export function specOf<S, C, R>(decide: (command: C, state: S) => R) {
  return {
    given: (state: S) => ({
      when(command: C) {
        return {
          /** Decides, and hands what was decided to `check`. */
          then(check: (decided: R) => void): void {
            check(decide(command, state));
          },
          /** Expects the decision to refuse with a domain error of `code`. */
          thenRefuses(code: string): void {
            assert.throws(
              () => decide(command, state),
              (err: unknown) => {
                assert.equal((err as { code?: string }).code, code);
                return true;
              },
            );
          },
        };
      },
    }),
  };
}
