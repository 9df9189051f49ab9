#!/usr/bin/env node
// Entry point of the `swaxs` command: the compiled CLI (built by `npm ci` through `prepare`).
import { main } from "../dist/cli/main.js";

await main(process.argv.slice(2));
