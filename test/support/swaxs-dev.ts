/** Runs the CLI from source (tests spawn it as a real process: exit code, stdout, stderr). */
import { run } from "../../src/cli/main.js";

process.exitCode = await run(process.argv.slice(2));
