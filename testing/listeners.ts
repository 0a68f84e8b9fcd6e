/**
 * Counts the abort listeners on an AbortSignal, for tests that show a long-running loop leaves
 * none behind: `live()` are those added and not removed yet, `added()` every one ever added.
 */
export function countAbortListeners(signal: AbortSignal) {
  const live = new Set<unknown>();
  let added = 0;
  const add = signal.addEventListener.bind(signal);
  const remove = signal.removeEventListener.bind(signal);
  signal.addEventListener = (type: string, listener: unknown, o?: unknown) => {
    if (type === "abort") live.add(listener), added++;
    add(type, listener as EventListener, o as AddEventListenerOptions);
  };
  signal.removeEventListener = (type: string, listener: unknown, o?: unknown) => {
    if (type === "abort") live.delete(listener);
    remove(type, listener as EventListener, o as EventListenerOptions);
  };
  return { live: () => live.size, added: () => added };
}
