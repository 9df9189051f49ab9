import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { swaxs } from "../../test/support/cli.js";

const tmp = mkdtempSync(join(tmpdir(), "swaxs-simcli-"));

describe("swaxs simulate", () => {
  it("--grid and --sweeps size the scan; the truth follows", () => {
    const out = join(tmp, "small");
    const r = swaxs(
      "simulate",
      "--preset",
      "tiny",
      "--grid",
      "4x1",
      "--sweeps",
      "3",
      "--seed",
      "11",
      "--out",
      out,
    );
    expect(r.code, r.stderr).toBe(0);
    const truth = JSON.parse(readFileSync(join(out, "truth.json"), "utf8"));
    expect([truth.rows, truth.cols, truth.seed]).toEqual([4, 1, 11]);
    expect(truth.frame_sod).toHaveLength(12);
    expect(readFileSync(join(out, "scan.csv"), "utf8").trim().split("\n")).toHaveLength(1 + 24);
  });

  it.each([
    [["--preset", "nope"], /--preset must be one of paper-assb, paper-liquid, demo, tiny/],
    [["--preset", "tiny", "--grid", "4by2"], /--grid must be ROWSxCOLS/],
    [["--preset", "tiny", "--sweeps", "0"], /--sweeps must be a positive integer/],
  ])("%j → one line, exit 2, nothing written", (args, msg) => {
    const out = join(tmp, "never");
    const r = swaxs("simulate", ...args, "--out", out);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(msg);
    expect(() => readFileSync(join(out, "truth.json"))).toThrow();
  });
});
