/**
 * Values a starter config leaves as `TODO` (swaxs init, starter-yaml.ts): the first one is found
 * before the config is validated, so `swaxs run` names the key and its line instead of a type
 * error (`scan.x: expected a name` would hide that the answer was never given).
 */

/** The first value that is a string starting with TODO, depth first in the file's order. */
export function firstTodo(data: unknown, at: PropertyKey[] = []): PropertyKey[] | null {
  if (typeof data === "string") return /^TODO\b/.test(data.trim()) ? at : null;
  if (Array.isArray(data)) {
    for (const [i, v] of data.entries()) {
      const found = firstTodo(v, [...at, i]);
      if (found) return found;
    }
    return null;
  }
  if (data && typeof data === "object")
    for (const [k, v] of Object.entries(data)) {
      const found = firstTodo(v, [...at, k]);
      if (found) return found;
    }
  return null;
}
