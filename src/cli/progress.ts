/**
 * Progress on stderr for long runs: a bar with ETA on a terminal; on a pipe or in a log, a plain
 * line at every 10 % so logs stay short. Nothing is printed for runs of a single item.
 */
import cliProgress from "cli-progress";

export interface Progress {
  tick(n?: number): void;
  stop(): void;
}

export function progress(label: string, total: number, unit = "frames"): Progress {
  if (total <= 1 || (!process.stderr.isTTY && total < 20)) return { tick() {}, stop() {} };
  if (process.stderr.isTTY) {
    const bar = new cliProgress.SingleBar(
      {
        format: `${label} [{bar}] {value}/{total} ${unit} | {percentage}% | ETA {eta_formatted}`,
        stream: process.stderr,
      },
      cliProgress.Presets.shades_classic,
    );
    bar.start(total, 0);
    return { tick: (n = 1) => bar.increment(n), stop: () => bar.stop() };
  }
  let done = 0;
  let nextReport = 0.1;
  const t0 = Date.now();
  return {
    tick(n = 1) {
      done += n;
      if (done / total >= nextReport && done < total) {
        const s = (Date.now() - t0) / 1000;
        process.stderr.write(
          `${label}: ${done}/${total} ${unit}, ETA ${Math.round((s / done) * (total - done))} s\n`,
        );
        while (done / total >= nextReport) nextReport += 0.1;
      }
    },
    stop() {},
  };
}
