/** `swaxs view RESULTS [--port N] [--host H] [--no-open]`: the results in the browser until Ctrl-C. */
import { spawn } from "node:child_process";
import { InputError } from "../util/errors.js";
import { startViewer, type Viewer } from "../viewer/index.js";

export interface ViewCliOptions {
  port?: string;
  host?: string;
  open: boolean;
}

/** Tried first when no --port is given; any free port when it is taken. */
const DEFAULT_PORT = 8750;

export async function viewCommand(results: string, o: ViewCliOptions): Promise<void> {
  const port = o.port === undefined ? DEFAULT_PORT : Number(o.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new InputError("", `--port must be an integer in 0…65535, got "${o.port}"`);
  let viewer: Viewer;
  try {
    viewer = await startViewer(results, { port, host: o.host });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "EADDRINUSE" && o.port === undefined)
      viewer = await startViewer(results, { port: 0, host: o.host });
    else if (code === "EADDRINUSE") throw new InputError("", `port ${port} is already in use`);
    else if (code === "EADDRNOTAVAIL" || code === "ENOTFOUND")
      throw new InputError("", `cannot listen on host ${o.host}`);
    else throw err;
  }
  if (viewer.token !== null)
    process.stderr.write(
      `swaxs view: warning: listening on ${o.host}, not only this machine: anyone who can reach it and has the URL below (with its access token) can read these results\n`,
    );
  process.stdout.write(`swaxs view: ${viewer.url}  (Ctrl-C to stop)\n`);
  if (o.open) openBrowser(viewer.url);
  await new Promise<void>((done) => {
    const stop = () => {
      process.off("SIGINT", stop);
      process.off("SIGTERM", stop);
      done();
    };
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
  });
  await viewer.close();
}

/** Best effort: a machine without a desktop (no xdg-open) just keeps the printed URL. */
function openBrowser(url: string): void {
  const cmd = process.platform === "darwin" ? "open" : process.platform === "win32" ? "explorer" : "xdg-open";
  try {
    const child = spawn(cmd, [url], { stdio: "ignore", detached: true });
    child.on("error", () => {});
    child.unref();
  } catch {
    // spawn itself can throw (e.g. EACCES); opening the browser is never worth failing over
  }
}
