import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { swaxs } from "../../test/support/cli.js";
import { tinyResults } from "../../test/support/results.js";

const ENTRY = fileURLToPath(new URL("../../test/support/swaxs-dev.ts", import.meta.url));
let dir: string;

beforeAll(async () => {
  dir = await tinyResults({ rows: 4, sweeps: 2 });
}, 120_000);

describe("swaxs view", () => {
  it("prints the URL, serves the results and stops cleanly on Ctrl-C", async () => {
    const child = spawn(process.execPath, [
      "--import",
      "tsx",
      ENTRY,
      "view",
      dir,
      "--no-open",
      "--port",
      "0",
    ]);
    let out = "";
    let err = "";
    child.stderr.on("data", (d: Buffer) => {
      err += d;
    });
    const url = await new Promise<string>((ok, bad) => {
      child.stdout.on("data", (d: Buffer) => {
        out += d;
        const m = /http:\/\/127\.0\.0\.1:\d+\//.exec(out);
        if (m) ok(m[0]);
      });
      child.on("exit", () => bad(new Error(`exited early: ${out} ${err}`)));
    });
    const s = (await (await fetch(`${url}api/summary`)).json()) as { grid: { rows: number } };
    expect(s.grid.rows).toBe(4);
    const code = await new Promise<number | null>((ok) => {
      child.on("exit", (c) => ok(c));
      child.kill("SIGINT");
    });
    expect(code).toBe(0);
    expect(err).toBe("");
  });

  it("names a missing or unusable results folder in one line and exits 2", () => {
    const r = swaxs("view", "/nonexistent/results", "--no-open");
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe("swaxs: /nonexistent/results: no such results folder");
    const bad = swaxs("view", "/tmp", "--no-open");
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^swaxs: \/tmp: not a results folder/);
    expect(swaxs("view", dir, "--port", "http").code).toBe(2);
  });
});
