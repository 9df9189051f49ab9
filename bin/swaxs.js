#!/usr/bin/env node
// Entry point of the `swaxs` command: the compiled CLI (built by `npm ci` through `prepare`).
import { setFlagsFromString } from "node:v8";

// V8's optimising compiler, tuned for a run's shape before any of our code is compiled (the flags
// are the process's, so the worker threads share them). A demo run spent ~19 % of its CPU in
// TurboFan (perf): every thread compiles the same fits and products, and the Levenberg–Marquardt
// loop, inlining each caller's model, was compiled 18 times at ~60 ms. Less inlining and a later
// tier-up cut the run's CPU by ~10 % (interleaved runs); the hot loops are WebAssembly, untouched.
// Flags given to node itself win.
const tuned = ["--max-inlined-bytecode-size-cumulative=300", "--interrupt-budget=300000"];
for (const flag of tuned)
  if (!process.execArgv.some((a) => a.startsWith(flag.split("=")[0]))) setFlagsFromString(flag);

const { main } = await import("../dist/cli/main.js");
await main(process.argv.slice(2));
