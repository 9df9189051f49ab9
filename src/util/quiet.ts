/**
 * `p` itself, marked handled: a promise awaited later (after other awaits) would otherwise end the
 * process as an unhandled rejection if it failed meanwhile; its failure still reaches the await.
 */
export function quiet<T>(p: Promise<T>): Promise<T> {
  p.catch(() => {});
  return p;
}
