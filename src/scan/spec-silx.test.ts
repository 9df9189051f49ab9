/**
 * The SPEC reader against silx's `specfile` (Debian python3-silx): every scan's labels, data
 * columns and motor positions, value by value, on the hand-written file and on real ones.
 * silx splits `#L`/`#O` at two spaces only; where a file separates them by one space (user6idd.dat)
 * silx has one long name where we have several, so there the names are compared joined. silx
 * 1.1 reads CRLF files (twoc.dat) with the "\r" kept: a line ending in " \r" gains a motor named
 * "\r" at position 0; silx is given the file with LF line ends instead (ours reads both alike).
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { fixturePath } from "../../test/support/fixtures.js";
import { pythonWith, runPython, toolAvailable } from "../../test/support/tools.js";
import { readSpecFile } from "./spec.js";

const py = pythonWith(["silx.io.specfile"]);

/** silx's view of a file; NaN written as null, as JSON cannot hold it. */
const DUMP = `
import json, math, sys
from silx.io.specfile import SpecFile
sf = SpecFile(sys.argv[1])
fix = lambda v: None if math.isnan(v) else v
out = []
for key in sf.keys():
    s = sf[key]
    data = s.data.tolist() if s.data.size else []
    out.append({"key": key, "labels": list(s.labels),
                "columns": [[fix(v) for v in row] for row in data],
                "motors": list(s.motor_names),
                "positions": [fix(v) for v in s.motor_positions]})
print(json.dumps(out))
`;

interface SilxScan {
  key: string;
  labels: string[];
  columns: (number | null)[][];
  motors: string[];
  positions: (number | null)[];
}

const nulled = (a: ArrayLike<number>) => Array.from(a, (v) => (Number.isNaN(v) ? null : v));

describe.skipIf(!toolAvailable("python3-silx", py !== null))("SPEC reader = silx specfile", () => {
  it.each([
    ["operando.spec", false],
    ["twoc.dat", false],
    ["user6idd.dat", true],
  ])("%s: every scan's labels, columns and motor positions", async (name, oneSpace) => {
    const path = fixturePath("spec", name);
    const lf = join(mkdtempSync(join(tmpdir(), "swaxs-spec-")), name);
    writeFileSync(lf, readFileSync(path, "latin1").replace(/\r\n/g, "\n"), "latin1");
    const silx = JSON.parse(runPython(py!, DUMP, [lf])) as SilxScan[];
    const ours = await readSpecFile(path);
    expect(ours.scans.map((s) => s.key)).toEqual(silx.map((s) => s.key));
    for (const [i, s] of ours.scans.entries()) {
      const ref = silx[i]!;
      const names = (a: string[]) => (oneSpace ? [a.join(" ")] : a);
      expect(names(s.labels), s.key).toEqual(ref.labels);
      expect(s.columns.filter((c) => c.length > 0).map(nulled), s.key).toEqual(ref.columns);
      expect(nulled(s.positions), s.key).toEqual(ref.positions);
      if (!oneSpace) expect(s.motors, s.key).toEqual(ref.motors);
      // silx lists the #O names line by line; one-space lines are one name each there
      else expect(s.motors.join(" "), s.key).toEqual(ref.motors.join(" "));
    }
  });
});
