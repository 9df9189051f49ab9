/**
 * Values a starter config leaves as `TODO` (swaxs init, starter-yaml.ts): found before the config
 * is validated, so `swaxs run` names the key and its line instead of a type error
 * (`scan.x: expected a name` would hide that the answer was never given), and `swaxs config check`
 * lists them all.
 */

/** Every value that is a string starting with TODO, as key paths, depth first in the file's order. */
export function todos(data: unknown, at: PropertyKey[] = [], out: PropertyKey[][] = []): PropertyKey[][] {
  if (typeof data === "string") {
    if (/^TODO\b/.test(data.trim())) out.push(at);
  } else if (Array.isArray(data)) for (const [i, v] of data.entries()) todos(v, [...at, i], out);
  else if (data && typeof data === "object")
    for (const [k, v] of Object.entries(data)) todos(v, [...at, k], out);
  return out;
}
