/**
 * Detectors whose frames are separate files named by a pattern (`--frames saxs=raw/s{point:05d}.cbf`),
 * and the rules every scan-log writer applies to a frame file name: the log is a CSV without
 * quoting, so a name cannot hold a comma, a quote or a line break.
 */
import { clip, InputError } from "../util/errors.js";
import { compileFramePattern, type FramePattern, renderFramePattern } from "./frame-pattern.js";

export interface PatternDetector {
  name: string;
  pattern: FramePattern;
  /** Per file name: how many points it holds so far, and the first. */
  files: Map<string, { count: number; first: string }>;
}

/** Detector names become file names downstream (`reduced_<det>.h5`). */
export const DETECTOR_NAME = /^[A-Za-z0-9_.-]+$/;

/** Whether a frame file name can be written into the log as it is. */
export function csvSafe(name: string): boolean {
  return !/[,"\r\n]/.test(name);
}

/** `DET=PATTERN` → a detector; `file` names the source in errors. */
export function patternDetector(f: string, file: string, taken: string[]): PatternDetector {
  const eq = f.indexOf("=");
  const name = f.slice(0, Math.max(eq, 0)).trim();
  const bad = (problem: string) => new InputError(file, `--frames "${clip(f, 60)}": ${problem}`);
  if (!DETECTOR_NAME.test(name))
    throw bad("expected DET=PATTERN with a detector name of letters, digits, _ . -");
  if (taken.includes(name)) throw bad(`detector ${name} is given twice`);
  const text = f.slice(eq + 1);
  if (!csvSafe(text)) throw bad("a frame file name cannot hold a comma, a quote or a line break");
  const pattern = compileFramePattern(text);
  if (typeof pattern === "string") throw bad(pattern);
  return { name, pattern, files: new Map() };
}

/**
 * The file a point's frame is in, and its place there: 0 for one file per point, the running count
 * for a file shared by several points (one file per scan: an Eiger stack).
 */
export function patternFrame(
  d: PatternDetector,
  values: { scan: number; point: number; index: number },
  where: string,
  file: string,
): { name: string; frame: number } {
  const name = renderFramePattern(d.pattern, values);
  const seen = d.files.get(name);
  if (seen && (d.pattern.fields.has("point") || d.pattern.fields.has("index"))) {
    const hint = d.pattern.fields.has("scan")
      ? "the scan number repeats: use {index}, or leave one scan out with --scan"
      : "add {scan}, or use {index}";
    throw new InputError(
      file,
      `--frames ${d.name}: the pattern names "${clip(name, 60)}" for ${seen.first} and for ${where} (${hint})`,
    );
  }
  d.files.set(name, { count: (seen?.count ?? 0) + 1, first: seen?.first ?? where });
  return { name, frame: seen?.count ?? 0 };
}
