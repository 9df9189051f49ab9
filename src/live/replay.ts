/**
 * Replay a finished experiment folder (the digital twin of `swaxs simulate`, or a real beamtime's
 * copy) into another folder as if it were being measured: the scan log's rows, their frame files
 * and the cycler export's lines appear in time order, at `fps` frames per second, each frame file
 * written in a few pieces with small pauses so that half-written files really occur. Everything
 * else (experiment.yaml, PONI files, masks, calibrant, backgrounds) is copied first. Used to
 * measure live mode's latency (bench/replay.ts); nothing is written outside `target`.
 */
import { cp, mkdir, open as openFile, readdir, readFile, writeFile } from "node:fs/promises";
import { dirname, join, relative, resolve } from "node:path";
import { parse as parseYaml } from "yaml";
import { localToUtcS, parseCycler, type ReadCyclerOptions } from "../echem/index.js";
import { readScanLog } from "../scan/index.js";
import { InputError } from "../util/errors.js";

export interface ReplayOptions {
  /** The finished experiment folder (holds experiment.yaml). */
  source: string;
  /** Where to replay it (created; must not be inside `source`). */
  target: string;
  /** Frames (scan-log rows) per second. */
  fps: number;
  /** Pieces each frame file is written in (default 4). */
  chunks?: number;
  /** Pause between two pieces of one frame [ms] (default: a fifth of the frame interval, ≤ 20 ms). */
  chunkPauseMs?: number;
  /** Replay only the first `limit` rows. */
  limit?: number;
  /** Name of the experiment file (default experiment.yaml). */
  experiment?: string;
  /** Stops the replay between two frames. */
  signal?: AbortSignal;
  /** Called after each frame file is complete and its row logged. */
  onFrame?: (f: ReplayedFrame) => void;
}

export interface ReplayedFrame {
  /** Row of the scan log (0-based). */
  index: number;
  /** The frame file in the target folder. */
  file: string;
  /** Its first byte / last byte written, and its scan-log row appended [ms, Date.now()]. */
  startedMs: number;
  completeMs: number;
  loggedMs: number;
}

export interface ReplayReport {
  frames: ReplayedFrame[];
  cyclerLines: number;
  /** Wall time of the replay [s] and the rate reached [frames/s]. */
  seconds: number;
  fpsReached: number;
}

const sleep = (ms: number) => new Promise<void>((ok) => setTimeout(ok, Math.max(0, ms)));

/** Append `text` and flush it to the file at once (the reader is another process). */
async function append(path: string, data: string | Uint8Array): Promise<void> {
  const fh = await openFile(path, "a");
  try {
    if (typeof data === "string") await fh.write(data);
    else await fh.write(data);
  } finally {
    await fh.close();
  }
}

interface Experiment {
  scan: string;
  cycler: string | null;
  cyclerOptions: ReadCyclerOptions;
  timezone: string;
}

async function readExperiment(path: string): Promise<Experiment> {
  let doc: Record<string, unknown>;
  try {
    doc = (parseYaml(await readFile(path, "utf8")) ?? {}) as Record<string, unknown>;
  } catch (err) {
    throw new InputError(path, `cannot read the experiment file (${(err as Error).message})`);
  }
  if (typeof doc["scan"] !== "string")
    throw new InputError(path, "replay needs `scan:` naming a canonical scan-log CSV");
  const echem = (doc["echem"] ?? {}) as Record<string, unknown>;
  return {
    scan: doc["scan"],
    cycler: typeof echem["file"] === "string" ? echem["file"] : null,
    cyclerOptions: {},
    timezone: typeof echem["timezone"] === "string" ? echem["timezone"] : "UTC",
  };
}

/** Every file under `dir`, relative to it. */
async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true, recursive: true }))
    if (e.isFile()) out.push(relative(dir, join(e.parentPath, e.name)));
  return out;
}

/** The text before the first record line and the record lines with their UTC times. */
function cyclerLines(bytes: Uint8Array, path: string, tz: string) {
  const rec = parseCycler(bytes, path);
  const text = new TextDecoder("latin1").decode(bytes);
  const lines = text.split(/(?<=\n)/);
  // records are the last n non-blank lines (every text export ends with its records)
  const recordAt: number[] = [];
  for (let i = lines.length - 1; i >= 0 && recordAt.length < rec.n; i--)
    if (lines[i]!.trim() !== "") recordAt.unshift(i);
  if (recordAt.length < rec.n) throw new InputError(path, "replay: cannot find the record lines");
  const start = rec.startLocal ? localToUtcS(rec.startLocal, tz, path) : 0;
  const utc = Float64Array.from(rec.timeS, (t, i) => rec.unixTimeS?.[i] ?? start + t);
  return { head: lines.slice(0, recordAt[0]).join(""), lines: recordAt.map((i) => lines[i]!), utc };
}

export async function replayExperiment(o: ReplayOptions): Promise<ReplayReport> {
  if (!(o.fps > 0)) throw new InputError(o.target, `replay rate must be > 0 frames/s (got ${o.fps})`);
  const src = resolve(o.source);
  const dst = resolve(o.target);
  if (dst === src || dst.startsWith(`${src}/`))
    throw new InputError(dst, "the replay target must not be inside the source folder");
  const exp = await readExperiment(join(src, o.experiment ?? "experiment.yaml"));
  const log = await readScanLog(join(src, exp.scan));
  const n = Math.min(log.length, o.limit ?? log.length);
  const frameFiles = new Set(log.file);
  const scanText = await readFile(join(src, exp.scan), "latin1");
  const [header, ...rowLines] = scanText.split(/\r?\n/).filter((l) => l.trim() !== "" && !l.startsWith("#"));
  if (rowLines.length !== log.length)
    throw new InputError(log.path, "replay: scan log rows and lines disagree (quoted line breaks?)");

  // everything but the growing inputs, copied now
  await mkdir(dst, { recursive: true });
  const cyclerPath = exp.cycler ? resolve(src, exp.cycler) : null;
  for (const f of await filesUnder(src)) {
    const abs = join(src, f);
    if (abs === log.path || abs === cyclerPath || frameFiles.has(abs)) continue;
    if (f.split("/")[0] === "results") continue;
    await mkdir(dirname(join(dst, f)), { recursive: true });
    await cp(abs, join(dst, f));
  }
  const scanDst = join(dst, relative(src, log.path));
  await writeFile(scanDst, `${header}\n`);
  let cycler: ReturnType<typeof cyclerLines> | null = null;
  let cyclerDst = "";
  if (cyclerPath) {
    cycler = cyclerLines(await readFile(cyclerPath), cyclerPath, exp.timezone);
    cyclerDst = join(dst, relative(src, cyclerPath));
    await writeFile(cyclerDst, cycler.head, "latin1");
  }

  const chunks = Math.max(1, Math.floor(o.chunks ?? 4));
  const intervalMs = 1000 / o.fps;
  const pauseMs = o.chunkPauseMs ?? Math.min(20, intervalMs / 5);
  const frames: ReplayedFrame[] = [];
  const written = new Set<string>();
  let nextLine = 0;
  const t0 = Date.now();
  for (let i = 0; i < n; i++) {
    if (o.signal?.aborted) break;
    await sleep(t0 + i * intervalMs - Date.now());
    // the cycler's lines up to this frame's time
    if (cycler) {
      let text = "";
      while (nextLine < cycler.lines.length && cycler.utc[nextLine]! <= log.timeS[i]!)
        text += cycler.lines[nextLine++]!;
      if (text) await append(cyclerDst, Buffer.from(text, "latin1"));
    }
    const file = join(dst, relative(src, log.file[i]!));
    const startedMs = Date.now();
    // a multi-frame file named by several rows is written once, at its first row
    if (!written.has(file)) {
      written.add(file);
      const bytes = await readFile(log.file[i]!);
      await mkdir(dirname(file), { recursive: true });
      const step = Math.ceil(bytes.length / chunks);
      await writeFile(file, bytes.subarray(0, step));
      for (let p = step; p < bytes.length; p += step) {
        await sleep(pauseMs);
        await append(file, bytes.subarray(p, p + step));
      }
    }
    const completeMs = Date.now();
    await append(scanDst, `${rowLines[i]}\n`);
    const f = { index: i, file, startedMs, completeMs, loggedMs: Date.now() };
    frames.push(f);
    o.onFrame?.(f);
  }
  const seconds = (Date.now() - t0) / 1000;
  return { frames, cyclerLines: nextLine, seconds, fpsReached: frames.length / Math.max(seconds, 1e-9) };
}
