/** `swaxs run experiment.yaml|FOLDER [--allow-missing] [--shard K/N]`, and `swaxs merge` */

import { runExperiment } from "../pipeline/run.js";
import { parseShard } from "../pipeline/shards.js";
import { InputError } from "../util/errors.js";
import { configOf } from "./config-path.js";
import { progress } from "./progress.js";

export async function runCommand(
  given: string,
  o: {
    allowMissing?: boolean;
    shard?: string;
    merge?: boolean;
    follow?: boolean;
    pollS?: string;
    idleS?: string;
  },
): Promise<void> {
  const shard = o.shard === undefined ? undefined : parseShard(o.shard);
  const config = await configOf(given);
  if (o.follow) {
    const seconds = (v: string | undefined, flag: string) => {
      if (v === undefined) return undefined;
      const n = Number(v);
      if (!(n > 0)) throw new InputError("", `${flag} must be a number of seconds > 0, got "${v}"`);
      return n;
    };
    const pollS = seconds(o.pollS, "--poll-s");
    const idleS = seconds(o.idleS, "--idle-s");
    // loaded only here: live mode's folder watching (chokidar) is not every run's start-up
    const { followExperiment } = await import("../pipeline/follow.js");
    const n = await followExperiment(config, {
      ...(pollS !== undefined && { pollS }),
      ...(idleS !== undefined && { idleS }),
      onNote: (m) => process.stderr.write(`${m}\n`),
      onUpdate: (done, logged) =>
        process.stderr.write(
          `follow: ${done} of ${logged} logged frames analysed (${new Date().toISOString()})\n`,
        ),
    });
    process.stderr.write(`follow: stopped after ${n} frames (nothing new for ${idleS} s)\n`);
    return;
  }
  let bar: ReturnType<typeof progress> | null = null;
  let last = 0;
  const t0 = performance.now();
  const s = await runExperiment(config, {
    allowMissing: o.allowMissing === true,
    ...(shard && { shard }),
    ...(o.merge && { merge: true }),
    onNote: (m) => process.stderr.write(`${m}\n`),
    onProgress: (done, total) => {
      bar ??= progress("reduce", total);
      bar.tick(done - last);
      last = done;
    },
  });
  (bar as ReturnType<typeof progress> | null)?.stop();
  const sec = (performance.now() - t0) / 1000;
  if (s.shard) {
    const n = s.shard.lines[1] - s.shard.lines[0];
    process.stderr.write(
      `shard ${shard!.k}/${shard!.n}: scan-log lines ${s.shard.lines[0] + 1}–${s.shard.lines[1]} (${n} frames, ${s.resumed} already reduced) in ${sec.toFixed(1)} s → ${s.shard.stores}; then: swaxs merge ${given}\n`,
    );
    return;
  }
  process.stderr.write(
    `reduced ${s.frames} frames on a ${s.rows}×${s.cols} grid in ${sec.toFixed(1)} s (${(s.frames / sec).toFixed(1)} frames/s)` +
      (s.missing || s.outsideLog
        ? `; ${s.missing} frame files missing, ${s.outsideLog} frames outside the cycler log`
        : "") +
      ` → ${s.out}\n`,
  );
}
