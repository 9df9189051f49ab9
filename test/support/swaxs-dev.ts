/** Runs the CLI from source (tests spawn it as a real process: exit code, stdout, stderr). */
import { main } from "../../src/cli/main.js";

await main(process.argv.slice(2));
