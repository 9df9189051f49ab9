/**
 * Turning a request path into a file inside one folder, refusing anything that could leave it:
 * `..` or `.` segments (also percent-encoded, e.g. %2e%2e), encoded slashes or backslashes, NUL,
 * and symbolic links that point outside. The raw request path is used: a URL parser would quietly
 * resolve `..` and hide the attempt.
 */
import { realpathSync, statSync } from "node:fs";
import { join, sep } from "node:path";

export type Resolved = { ok: true; file: string } | { ok: false; status: 400 | 403 | 404 };

/** Decoded segments of a raw path, or the status to answer when the path is not acceptable. */
export function safeSegments(rawPath: string): string[] | 400 | 403 {
  const out: string[] = [];
  for (const raw of rawPath.split("/")) {
    let s: string;
    try {
      s = decodeURIComponent(raw);
    } catch {
      return 400;
    }
    if (s === ".." || s === "." || s.includes("/") || s.includes("\\") || s.includes("\0")) return 403;
    out.push(s);
  }
  return out;
}

/**
 * The regular file that `rest` (the raw path after a route prefix) names inside `root`. Symbolic
 * links are followed, but the real path must stay inside the real root.
 */
export function resolveInside(root: string, rest: string): Resolved {
  const segs = safeSegments(rest);
  if (typeof segs === "number") return { ok: false, status: segs };
  if (segs.length === 0 || segs.some((s) => s === "")) return { ok: false, status: 404 };
  let realRoot: string;
  let real: string;
  try {
    realRoot = realpathSync(root);
    real = realpathSync(join(root, ...segs));
  } catch {
    return { ok: false, status: 404 };
  }
  if (!real.startsWith(realRoot + sep)) return { ok: false, status: 403 };
  try {
    if (!statSync(real).isFile()) return { ok: false, status: 404 };
  } catch {
    return { ok: false, status: 404 };
  }
  return { ok: true, file: real };
}
