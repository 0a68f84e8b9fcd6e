/** A short random id with a prefix (`p_…`, `r_…`, `wh_…`): subject-token safe. */
export function prefixedId(prefix: string): string {
  const b = crypto.getRandomValues(new Uint8Array(9));
  return prefix + Array.from(b, (x) => (x % 36).toString(36)).join("");
}
