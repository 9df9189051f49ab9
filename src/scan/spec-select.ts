/** Choosing scans of a SPEC file by a list such as `3,5-7,8.2`. */
import { clip, InputError } from "../util/errors.js";
import type { SpecFile, SpecScan } from "./spec.js";

export interface ScanSelection {
  /** The chosen scans with data, in file order. */
  scans: SpecScan[];
  /** Chosen scans without a single data point (aborted before the first). */
  empty: SpecScan[];
}

/**
 * `list`: numbers (`3`: every scan numbered 3, i.e. 3.1, 3.2 … where numbers repeat), ranges
 * (`5-7`) and single scans (`3.2`, silx's `number.order`), separated by commas. Without a list,
 * every scan. Each item must match a scan of the file.
 */
export function selectSpecScans(spec: SpecFile, list: string | undefined): ScanSelection {
  const keys = (ss: SpecScan[]) => clip(ss.map((s) => s.key).join(", "), 160);
  if (spec.scans.length === 0) throw new InputError(spec.path, "no #S scan in the file");
  let chosen = spec.scans;
  if (list !== undefined) {
    const wanted = new Set<SpecScan>();
    for (const item of list.split(",").map((s) => s.trim())) {
      const match = matcher(item);
      if (!match)
        throw new InputError(spec.path, `--scan: cannot read "${clip(item, 30)}" (use e.g. 3,5-7 or 3.2)`);
      const found = spec.scans.filter(match);
      if (found.length === 0)
        throw new InputError(spec.path, `--scan: no scan ${item} in the file (it has ${keys(spec.scans)})`);
      for (const s of found) wanted.add(s);
    }
    chosen = spec.scans.filter((s) => wanted.has(s));
  }
  const scans = chosen.filter((s) => s.points > 0);
  const empty = chosen.filter((s) => s.points === 0);
  if (scans.length === 0)
    throw new InputError(spec.path, `no data points in scan${chosen.length > 1 ? "s" : ""} ${keys(chosen)}`);
  return { scans, empty };
}

function matcher(item: string): ((s: SpecScan) => boolean) | null {
  let m = /^(\d+)$/.exec(item);
  if (m) return (s) => s.number === Number(m![1]);
  m = /^(\d+)\.(\d+)$/.exec(item);
  if (m) return (s) => s.number === Number(m![1]) && s.order === Number(m![2]);
  m = /^(\d+)\s*-\s*(\d+)$/.exec(item);
  if (m && Number(m[1]) <= Number(m[2])) return (s) => s.number >= Number(m![1]) && s.number <= Number(m![2]);
  return null;
}
