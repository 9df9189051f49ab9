/** The `swaxs` command line: `run(argv)` returns the exit code (bin/swaxs.js sets it). */
export { buildProgram, run } from "./main.js";
