import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { fixturePath } from "../../test/support/fixtures.js";
import { InputError } from "../util/errors.js";
import { parseSpec, readSpecFile, specColumn, specMotor } from "./spec.js";

const OPERANDO = fixturePath("spec", "operando.spec");
const operandoText = readFileSync(OPERANDO, "utf8");

/** The one-line message of the InputError that parsing `text` raises. */
function problem(text: string): string {
  try {
    parseSpec(text, "x.spec");
  } catch (err) {
    expect(err).toBeInstanceOf(InputError);
    const msg = (err as Error).message;
    expect(msg).not.toContain("\n");
    return msg;
  }
  throw new Error("no error");
}

const HEAD = "#F x.spec\n#E 1000\n#O0 m one  m2\n";

describe("parseSpec on a hand-written file (operando.spec)", () => {
  const spec = parseSpec(operandoText, OPERANDO);
  const byKey = (k: string) => spec.scans.find((s) => s.key === k)!;

  it("addresses scans as number.order, repeated numbers included", () => {
    expect(spec.scans.map((s) => s.key)).toEqual(["1.1", "2.1", "3.1", "4.1", "3.2"]);
    expect(byKey("3.2").command).toBe("ascan  samy -3 -2.5 1 1");
    expect(spec.headers).toHaveLength(1);
    expect(spec.headers[0]!.epochS).toBe(1710406800);
  });

  it("splits #L and #O at two spaces, so names keep their single spaces", () => {
    const s = byKey("1.1");
    expect(s.labels).toEqual(["samx", "Epoch", "Seconds", "Two Theta", "Monitor", "Detector"]);
    expect(s.motors).toEqual(["Two Theta", "samx", "samy", "Sample Rot", "slit gap", "att"]);
    expect(s.mnemonics).toEqual(["tth", "sx", "sy", "srot", "sgap", "att"]);
    expect([...specColumn(s, "Two Theta")!]).toEqual([12.5, 12.5, 12.5]);
    expect(specMotor(s, "Sample Rot")).toBe(90);
    expect(specMotor(s, "sy")).toBe(-3.25);
    expect(specMotor(s, "nope")).toBeNull();
  });

  it("skips MCA lines with their backslash continuations and keeps mid-scan comments", () => {
    const s = byKey("1.1");
    expect(s.points).toBe(3);
    expect([...specColumn(s, "samx")!]).toEqual([-0.5, 0, 0.5]);
    expect([...specColumn(s, "Epoch")!]).toEqual([123.5, 125.01, 126.52]);
    expect(s.comments).toEqual(["mid-scan note: ring refill"]);
    expect(s.countTimeS).toBe(1);
    expect(s.date).toBe("Thu Mar 14 10:02:03 2024");
  });

  it("keeps repeated labels: the first by name, the second as NAME#2", () => {
    const s = byKey("2.1");
    expect(s.labels).toEqual(["Time", "Epoch", "Seconds", "Monitor", "Monitor"]);
    expect([...specColumn(s, "Monitor")!]).toEqual([500, 505, 498]);
    expect([...specColumn(s, "Monitor#2")!]).toEqual([501, 506, 499]);
    expect(specColumn(s, "Monitor#3")).toBeNull();
    expect(s.countTimeS).toBe(0.5);
  });

  it("reads aborted scans: fewer points, or none at all", () => {
    expect(byKey("3.1").points).toBe(2);
    expect(byKey("3.1").comments[0]).toMatch(/aborted after 2 points/);
    const empty = byKey("4.1");
    expect(empty.points).toBe(0);
    expect(empty.labels).toHaveLength(6);
    expect(empty.columns.every((c) => c.length === 0)).toBe(true);
  });
});

describe("parseSpec on real files (spec2nexus examples)", () => {
  it("twoc.dat: CRLF, mnemonics, repeated labels and scan numbers", async () => {
    const spec = await readSpecFile(fixturePath("spec", "twoc.dat"));
    expect(spec.scans.map((s) => [s.key, s.points])).toEqual([
      ["1.1", 21],
      ["2.1", 33],
      ["2.2", 33],
    ]);
    const s = spec.scans[0]!;
    expect(s.labels.at(-1)).toBe("Kth14");
    expect(s.labels.filter((l) => l === "Kth14")).toHaveLength(2);
    expect(specMotor(s, "y")).toBe(-19.09); // the mnemonic of igrec
    expect(specMotor(s, "igrec")).toBe(-19.09);
    expect(s.countTimeS).toBe(2);
  });

  it("user6idd.dat: one-space #O and #L are split at single spaces when only that fits", async () => {
    const spec = await readSpecFile(fixturePath("spec", "user6idd.dat"));
    const [aborted, s] = spec.scans;
    expect(aborted!.points).toBe(0);
    expect(s!.labels).toHaveLength(25);
    expect(s!.labels.slice(0, 3)).toEqual(["dummy", "Time", "DelTime"]);
    expect(s!.points).toBe(55);
    expect(s!.motors.slice(0, 3)).toEqual(["Delta", "Eta", "Chi"]);
    expect(specMotor(s!, "x_detector")).toBe(0);
    expect(specColumn(s!, "Epoch")![0]).toBe(1563);
  });
});

describe("parseSpec edge cases", () => {
  it("a second file header (#F, #E, #O) applies to the scans after it", () => {
    const text = `${HEAD}\n#S 1 x\n#P0 1 2\n#L a  b\n1 2\n\n#F y.spec\n#E 2000\n#O0 other\n\n#S 1 y\n#P0 7\n#L a\n3\n`;
    const spec = parseSpec(text, "x.spec");
    expect(spec.headers.map((h) => [h.file, h.epochS])).toEqual([
      ["x.spec", 1000],
      ["y.spec", 2000],
    ]);
    expect(spec.scans.map((s) => [s.key, s.header.epochS, s.motors.join("|")])).toEqual([
      ["1.1", 1000, "m one|m2"],
      ["1.2", 2000, "other"],
    ]);
  });

  it("reads nan and inf, a negative #T as monitor counting, and bare # comment lines", () => {
    const text = `${HEAD}#\n# a note\n#S 1 x\n#T -1000  (Monitor)\n#M 1000\n#L a  b\nnan 1e3\n-inf +2.5E-1\n`;
    const s = parseSpec(text, "x.spec").scans[0]!;
    expect(s.countTimeS).toBeNull();
    expect(s.monitorPreset).toBe(1000);
    expect([...s.columns[0]!]).toEqual([Number.NaN, -Infinity]);
    expect([...s.columns[1]!]).toEqual([1000, 0.25]);
  });

  it("refuses malformed lines with the file and the line number, in one line", () => {
    expect(problem(`${HEAD}#S 1 x\n#L a  b\n1 2\n1 x\n`)).toBe(
      'x.spec: line 7: "x" is not a number (a data line of scan 1.1)',
    );
    expect(problem(`${HEAD}#S 1 x\n#L a  b\n1 2\n1 2 3\n`)).toMatch(
      /^x\.spec: line 7: 3 values where scan 1\.1 has 2 columns \(line 6\)$/,
    );
    expect(problem(`${HEAD}1 2\n`)).toMatch(/line 4: .*data before any #S/);
    expect(problem(`${HEAD}#S 1 x\n1 2\n`)).toMatch(/line 5: data in scan 1\.1 before its #L/);
    expect(problem(`${HEAD}#S 1 x\n#L a  b  c\n1 2\n`)).toMatch(/line 5: #L has 3 labels for the 2 columns/);
    expect(problem(`${HEAD}#S 1 x\n#P0 1 2 3 4\n`)).toMatch(
      /line 5: #P0 has 4 positions for the 2 names of #O0/,
    );
    expect(problem(`${HEAD}#S 1 x\n#P0 1 zz\n`)).toMatch(/line 5: #P0: "zz" is not a number/);
    expect(problem(`${HEAD}#S x\n`)).toMatch(/line 4: #S "x" has no scan number/);
    expect(problem("#E yesterday\n")).toMatch(/line 1: #E "yesterday" is not an epoch/);
    expect(problem(`${HEAD}#S 1 x\n#T soon\n`)).toMatch(/line 5: #T "soon" does not start with a number/);
    expect(problem(`${HEAD}#S 1 x\n#N -2\n`)).toMatch(/line 5: #N "-2" is not a column count/);
    expect(problem(`${HEAD}@A 1 2 3\n`)).toMatch(/line 4: MCA data .* outside a scan/);
    expect(problem(`${HEAD}#S 1 x\n#L a\n1\n#L b\n`)).toMatch(/line 7: a second #L in scan 1\.1/);
  });

  it("never crashes on damaged text: a result or an InputError", () => {
    const lines = operandoText.split("\n");
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(lines.length - 1), fc.string({ maxLength: 12 })), { maxLength: 6 }),
        (edits) => {
          const damaged = [...lines];
          for (const [at, s] of edits) damaged[at] = `${damaged[at]!.slice(0, s.length)}${s}`;
          try {
            parseSpec(damaged.join("\n"), "x.spec");
          } catch (err) {
            if (!(err instanceof InputError)) throw err;
            expect(err.message).not.toContain("\n");
          }
        },
      ),
      { seed: 14, numRuns: 300 },
    );
  });
});
