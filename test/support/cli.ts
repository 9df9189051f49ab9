import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const ENTRY = fileURLToPath(new URL("./swaxs-dev.ts", import.meta.url));
/** tsx's loader by absolute path, so the child finds it from any working folder. */
const TSX = new URL("../../node_modules/tsx/dist/loader.mjs", import.meta.url).href;

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Run `swaxs ARGS…` from source in a child process. */
export function swaxs(...args: string[]): CliResult {
  return swaxsIn(undefined, ...args);
}

/** Run `swaxs ARGS…` from source in a child process whose working folder is `cwd`. */
export function swaxsIn(cwd: string | undefined, ...args: string[]): CliResult {
  const r = spawnSync(process.execPath, ["--import", TSX, ENTRY, ...args], {
    encoding: "utf8",
    maxBuffer: 1 << 26,
    ...(cwd && { cwd }),
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}
