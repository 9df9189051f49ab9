/**
 * File globs as a shell expands them (`frames/saxs_*.edf`, `run?/s_[0-9]*.cbf`): `*`, `?` and
 * `[…]` within one path component, never across a `/`; names starting with a dot only when the
 * pattern's component does. Node 20 has no `fs.glob`, and a glob in a config file is never seen
 * by a shell. The matches come sorted, so that `s_0001 … s_0010` keep their order.
 */
import { readdirSync, statSync } from "node:fs";
import { isAbsolute, join, resolve, sep } from "node:path";
import { InputError } from "../util/errors.js";

const MAGIC = /[*?[]/;

/** The files `pattern` names (relative to `cwd`), absolute and sorted; none is an InputError. */
export function expandGlob(pattern: string, cwd = process.cwd()): string[] {
  const abs = isAbsolute(pattern) ? pattern : resolve(cwd, pattern);
  if (!MAGIC.test(pattern)) {
    if (!isFile(abs)) throw new InputError(pattern, "no such file");
    return [abs];
  }
  const parts = abs.split(sep);
  let found = [parts[0] === "" ? sep : parts[0]!];
  for (const part of parts.slice(1).filter((p) => p !== "")) {
    if (!MAGIC.test(part)) {
      found = found.map((d) => join(d, part));
      continue;
    }
    const re = componentRegExp(part);
    found = found.flatMap((d) => {
      let names: string[];
      try {
        names = readdirSync(d);
      } catch {
        return [];
      }
      return names
        .filter((n) => re.test(n) && (part.startsWith(".") || !n.startsWith(".")))
        .map((n) => join(d, n));
    });
  }
  const files = found.filter(isFile).sort();
  if (files.length === 0) throw new InputError(pattern, "matches no file");
  return files;
}

function isFile(p: string): boolean {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
}

/** One path component's wildcards as a regular expression. */
function componentRegExp(part: string): RegExp {
  let re = "";
  for (let i = 0; i < part.length; i++) {
    const ch = part[i]!;
    if (ch === "*") re += "[^/]*";
    else if (ch === "?") re += "[^/]";
    else if (ch === "[") {
      const end = part.indexOf("]", i + 2);
      if (end < 0) re += "\\[";
      else {
        const body = part
          .slice(i + 1, end)
          .replace(/^!/, "^")
          .replace(/\\/g, "\\\\");
        re += `[${body}]`;
        i = end;
      }
    } else re += ch.replace(/[.+^${}()|\\]/g, "\\$&");
  }
  return new RegExp(`^${re}$`);
}
