/**
 * `swaxs run --follow` (issue 16): an experiment followed while it runs. Every `pollS` seconds, or
 * as soon as the scan log or the cycler export changes, the scan log's complete lines are read;
 * those whose frame files are complete on disk (live/ readyPrefix: never a half-written file) and
 * inside the cycler log's span so far form the ready prefix. Its new lines are reduced as one batch
 * into stores of their own, `<out>.live/<a>-<b>/` (beside the results folder, as `<out>.partial`
 * is: the results folder is replaced whole at each update), then every batch is joined and
 * analysed as a whole run (shards.ts: the same records in the same order, so the results equal a
 * run over the same lines), the results folder replaced
 * atomically and `live_status.csv` written into it for the viewer. Stopped and restarted, it
 * resumes from its batches. What is not yet done: reusing the matrices between updates (each
 * batch builds them again) and updating the analysis incrementally.
 */
import { existsSync, type FSWatcher, readdirSync, watch } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { buildSeries, joinFrames, readCycler } from "../echem/index.js";
import { readyPrefix } from "../live/index.js";
import { writeLiveStatus } from "../results/index.js";
import { midExposure, parseScanLog } from "../scan/index.js";
import { InputError } from "../util/errors.js";
import { loadConfig } from "./config.js";
import { runExperiment } from "./run.js";
import type { Part } from "./shards.js";

export interface FollowOptions {
  /** Seconds between looks (default 2). */
  pollS?: number;
  /** Stop once the scan log has not grown for this long [s] (default: follow until stopped). */
  idleS?: number;
  onNote?: (m: string) => void;
  /** After each update of the results: frames analysed, frames logged. */
  onUpdate?: (analysed: number, logged: number) => void;
}

/**
 * A pause of up to `s` seconds that ends as soon as one of `files` changes (the scan log or the
 * cycler export growing): a frame just logged is looked at at once, not at the next poll (up to
 * `--poll-s` later). The poll stays: a file replaced or not there yet is found by it.
 */
function pauseUntilChange(files: string[], s: number): Promise<void> {
  return new Promise((done) => {
    const watchers: FSWatcher[] = [];
    let over = false;
    const end = () => {
      if (over) return;
      over = true;
      clearTimeout(timer);
      for (const w of watchers) w.close();
      done();
    };
    const timer = setTimeout(end, s * 1000);
    for (const f of files) {
      try {
        watchers.push(watch(f, { persistent: false }, end).on("error", end));
      } catch {
        // not there yet (or not watchable here): the poll finds it
      }
    }
  });
}

/** The batches already reduced under `dir` (named `<from>-<to>`), contiguous from line 0. */
function batchesIn(dir: string, config: string): Part[] {
  if (!existsSync(dir)) return [];
  const found = readdirSync(dir)
    .map((e) => /^(\d+)-(\d+)$/.exec(e))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => [Number(m[1]), Number(m[2])] as [number, number])
    .sort((a, b) => a[0] - b[0]);
  const out: Part[] = [];
  for (const lines of found) {
    if (lines[0] !== (out.at(-1)?.lines[1] ?? 0)) break;
    out.push(batch(dir, lines, config));
  }
  return out;
}

function batch(dir: string, lines: [number, number], config: string): Part {
  return {
    lines,
    stores: join(dir, `${lines[0]}-${lines[1]}`),
    name: `live batch of lines ${lines[0] + 1}–${lines[1]}`,
    redo: `remove ${dir} and run \`swaxs run ${config} --follow\``,
  };
}

/**
 * The scan log's lines ready to reduce: complete lines, in order, up to the first whose frame is
 * not yet complete on disk or lies beyond the cycler log's end so far. Its text (header and those
 * lines), their count and how many lines the log holds.
 */
export async function readyLines(
  configPath: string,
  /** Lines already found complete (a live run's reduced ones): not looked at again. */
  known = 0,
): Promise<{ text: string; ready: number; logged: number; newestS: number }> {
  const cfg = await loadConfig(configPath);
  if (cfg.scanSource)
    throw new InputError(
      cfg.file,
      "--follow reads a CSV scan log (scan: FILE.csv), not a SPEC or Bliss source yet",
    );
  const raw = existsSync(cfg.scan) ? await readFile(cfg.scan, "utf8") : "";
  // a last line without its line break is still being written
  const whole = raw.slice(0, raw.lastIndexOf("\n") + 1);
  const lines = whole.split("\n");
  if (lines.length < 3) return { text: whole, ready: 0, logged: 0, newestS: Number.NaN };
  const log = midExposure(parseScanLog(whole, cfg.scan));
  // each look at a CBF waits for its size to settle: only the lines not yet known complete
  const from = Math.min(known, log.length);
  let ready = from + (await readyPrefix(log.file.slice(from)));
  if (ready > 0 && existsSync(cfg.echem.file)) {
    const series = buildSeries(await readCycler(cfg.echem.file), {
      clock: cfg.echem.clock ?? undefined,
      massMg: cfg.echem.massMg,
    });
    const clock = joinFrames(series, log.timeS.subarray(0, ready));
    let k = 0;
    while (k < ready && clock.inLog[k] === 1) k++;
    ready = k;
  } else ready = 0;
  // the header and the ready rows, cut where the file's own line numbers say
  const text = ready > 0 ? `${lines.slice(0, log.line[ready - 1]!).join("\n")}\n` : `${lines[0]}\n`;
  return { text, ready, logged: log.length, newestS: ready > 0 ? log.timeS[ready - 1]! : Number.NaN };
}

export async function followExperiment(configPath: string, o: FollowOptions = {}): Promise<number> {
  const cfg = await loadConfig(configPath);
  const dir = `${resolve(cfg.out)}.live`;
  const parts = batchesIn(dir, cfg.file);
  let done = parts.at(-1)?.lines[1] ?? 0;
  if (done > 0) o.onNote?.(`follow: resuming after ${done} lines already reduced (${dir})`);
  // the empty cell counted as the first batch counted it, kept beside the batches for a restart
  const pinFile = join(dir, "counting.json");
  let counting = existsSync(pinFile)
    ? (JSON.parse(await readFile(pinFile, "utf8")) as Record<string, { exposureS: number; i0: number }>)
    : undefined;
  let quietSince = Date.now();
  let lastLogged = 0;
  let analysed = 0;
  for (;;) {
    const seen = Date.now() / 1000;
    const { text, ready, logged, newestS } = await readyLines(configPath, done);
    // idle means the scan log stopped growing (lines waiting for their frames or the cycler are not idle)
    if (logged > lastLogged) {
      lastLogged = logged;
      quietSince = Date.now();
    }
    if (ready > done || (ready > 0 && analysed < ready)) {
      if (ready > done) {
        const part = batch(dir, [done, ready], cfg.file);
        const s = await runExperiment(configPath, {
          scanText: text,
          part: { lines: part.lines, stores: part.stores },
          ...(counting && { backgroundCounting: counting }),
        });
        if (!counting) {
          counting = s.counting ?? {};
          await writeFile(pinFile, JSON.stringify(counting));
        }
        parts.push(part);
        done = ready;
      }
      try {
        await runExperiment(configPath, {
          scanText: text,
          parts,
          ...(counting && { backgroundCounting: counting }),
          ...(o.onNote && { onNote: o.onNote }),
        });
        analysed = ready;
        await writeLiveStatus(resolve(cfg.out), {
          updatedS: Date.now() / 1000,
          state: "following",
          framesLogged: logged,
          framesReduced: ready,
          newestFrameS: newestS,
          // when this look found the newest frame complete: the lag is what reducing it took
          newestLandedS: seen,
        });
        o.onUpdate?.(ready, logged);
      } catch (err) {
        // too few lines yet for a grid, a cycler log that does not reach them: wait for more
        if (!(err instanceof InputError)) throw err;
        o.onNote?.(`follow: waiting (${err.message})`);
        analysed = ready;
      }
      quietSince = Date.now();
    } else if (o.idleS !== undefined && (Date.now() - quietSince) / 1000 >= o.idleS) return analysed;
    // until the next poll, a change of the logs, or the moment it would count as idle
    const idleLeft =
      o.idleS === undefined ? Number.POSITIVE_INFINITY : o.idleS - (Date.now() - quietSince) / 1000;
    await pauseUntilChange([cfg.scan, cfg.echem.file], Math.max(0.05, Math.min(o.pollS ?? 2, idleLeft)));
  }
}
