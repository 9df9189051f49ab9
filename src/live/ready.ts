/**
 * Whether a frame file that a detector (or a copy) may still be writing can be read yet. A reader
 * handed a half-written file fails (or, worse, reads zeros past a short read), so live mode only
 * reads a file once the bytes its own header declares are all there:
 *
 * - CBF: the binary section's X-Binary-Size after the start marker, and the size unchanged between
 *   two looks (the padding and closing MIME boundary follow the data);
 * - EDF: every header closed and the data it declares (Size, else Dim_1·Dim_2·type) reached;
 * - TIFF: the IFD chain and every strip/tile it names inside the file;
 * - anything else: the size unchanged over a short interval (the usual "settled" rule).
 *
 * The headers are parsed by the format readers' own helpers (formats/ `*DeclaredBytes`).
 */
import { stat } from "node:fs/promises";
import { extname } from "node:path";
import { cbfDeclaredBytes, detectFormat, edfDeclaredBytes, tiffDeclaredBytes } from "../formats/index.js";
import { InputError } from "../util/errors.js";

export type FrameKind = "cbf" | "edf" | "tiff" | "other";

export interface FrameReadiness {
  ready: boolean;
  kind: FrameKind;
  /** File size at the last look [bytes]. */
  sizeBytes: number;
  /** Bytes the header declares (null: header not complete, or a kind without one). */
  declaredBytes: number | null;
  /** Why not ready (for logs); "" when ready. */
  why: string;
}

export interface FrameReadyOptions {
  /** Pause between the two looks of the size-stability rule [ms] (default 50). */
  settleMs?: number;
  /** How to pause (default a timer; tests count the pauses). */
  pause?: (ms: number) => Promise<void>;
}

const BY_EXTENSION: Record<string, FrameKind> = {
  ".cbf": "cbf",
  ".edf": "edf",
  ".tif": "tiff",
  ".tiff": "tiff",
};

/** The kind of a frame file: by extension, else by content (a file too short to tell is "other"). */
export async function frameKind(path: string): Promise<FrameKind> {
  const byName = BY_EXTENSION[extname(path).toLowerCase()];
  if (byName) return byName;
  try {
    const f = await detectFormat(path);
    return f === "cbf" || f === "edf" || f === "tiff" ? f : "other";
  } catch (err) {
    if (err instanceof InputError) return "other";
    throw err;
  }
}

const sleep = (ms: number) => new Promise<void>((ok) => setTimeout(ok, ms));

async function sizeOf(path: string): Promise<number | null> {
  try {
    const st = await stat(path);
    return st.isFile() ? st.size : null;
  } catch {
    return null;
  }
}

/** A file's readiness at one look, and whether it must still hold its size over a pause. */
async function firstLook(path: string): Promise<{ report: FrameReadiness; settle: boolean }> {
  const kind = await frameKind(path);
  const size = await sizeOf(path);
  const report = (ready: boolean, declared: number | null, why: string, settle = false) => ({
    report: { ready, kind, sizeBytes: size ?? 0, declaredBytes: declared, why },
    settle,
  });
  if (size === null) return report(false, null, "no such file");
  if (size === 0) return report(false, null, "empty");
  let declared: number | null = null;
  if (kind !== "other") {
    const fn = kind === "cbf" ? cbfDeclaredBytes : kind === "edf" ? edfDeclaredBytes : tiffDeclaredBytes;
    try {
      declared = fn(path);
    } catch (err) {
      // a complete but malformed header: ready, so the reader reports the problem instead of a wait
      if (err instanceof InputError) return report(true, null, "");
      throw err;
    }
    if (declared === null) return report(false, null, "header not complete");
    if (size < declared) return report(false, declared, `${size} of ${declared} bytes`);
    if (kind !== "cbf") return report(true, declared, "");
  }
  // CBF and unknown kinds: the size must also hold still between two looks
  return report(true, declared, "", true);
}

/** Full readiness report of one frame file (see the module comment for the rules). */
export async function frameReadiness(path: string, o: FrameReadyOptions = {}): Promise<FrameReadiness> {
  const { report, settle } = await firstLook(path);
  if (!settle) return report;
  await (o.pause ?? sleep)(o.settleMs ?? 50);
  const again = await sizeOf(path);
  if (again !== report.sizeBytes)
    return { ...report, ready: false, sizeBytes: again ?? 0, why: "still growing" };
  return report;
}

/**
 * How many of `paths`, in order, are ready now (each by frameReadiness' rules): the files are looked
 * at first, then one pause serves every file whose size must hold still, not one pause a file (a
 * live run catching up with 20 000 logged CBF frames waited 50 ms for each: 17 minutes).
 */
export async function readyPrefix(paths: readonly string[], o: FrameReadyOptions = {}): Promise<number> {
  const settling: { at: number; path: string; size: number }[] = [];
  let n = 0;
  for (const path of paths) {
    const { report, settle } = await firstLook(path);
    if (!report.ready) break;
    if (settle) settling.push({ at: n, path, size: report.sizeBytes });
    n++;
  }
  if (settling.length === 0) return n;
  await (o.pause ?? sleep)(o.settleMs ?? 50);
  for (const s of settling) if ((await sizeOf(s.path)) !== s.size) return s.at;
  return n;
}
