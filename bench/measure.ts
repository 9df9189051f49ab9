/** Helpers the benches share: whole-process timing with peak RSS, medians, rounding. */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";

const TIME = existsSync("/usr/bin/time") ? "/usr/bin/time" : null;

/** One whole process: wall seconds and peak RSS (MB, through /usr/bin/time; null without it). */
export function timed(
  cmd: string,
  args: string[],
  env?: NodeJS.ProcessEnv,
): { wall_s: number; rss_mb: number | null; stdout: string } {
  const t0 = performance.now();
  const o = { encoding: "utf8" as const, maxBuffer: 1 << 28, ...(env && { env }) };
  const r = TIME ? spawnSync(TIME, ["-f", "RSS_KB %M", cmd, ...args], o) : spawnSync(cmd, args, o);
  const wall = (performance.now() - t0) / 1000;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")}: ${r.stderr}`);
  const m = /RSS_KB (\d+)/.exec(r.stderr);
  return { wall_s: wall, rss_mb: m ? Math.round(Number(m[1]) / 1024) : null, stdout: r.stdout };
}

export const median = (a: number[]) => {
  const s = [...a].sort((x, y) => x - y);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

export const round = (x: number, d = 2) => Math.round(x * 10 ** d) / 10 ** d;
