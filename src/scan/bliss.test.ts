/**
 * The Bliss-layout reader and scan-log writer on files laid out as Bliss and Lima lay them out
 * (test/fixtures/bliss, made by make_bliss.py with h5py), and the reader against h5py's reading
 * of the same files, value by value.
 */
import { copyFileSync, mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { fixturePath } from "../../test/support/fixtures.js";
import { pythonWith, runPython, toolAvailable } from "../../test/support/tools.js";
import { InputError } from "../util/errors.js";
import { readBlissFile } from "./bliss.js";
import { parseScanLog } from "./log.js";
import { type BlissScanLogOptions, blissScanLog } from "./scanlog-bliss.js";

const FILE = fixturePath("bliss", "bliss_sample.h5");
const DIR = fixturePath("bliss");
const T0 = 1715673723.25; // make_bliss.py: 2024-05-14T10:02:03.25+02:00
const BASE: BlissScanLogOptions = {
  x: "samy",
  y: "samz",
  i0: "mon",
  it: "diode",
  exposure: "sec",
  frames: [],
};

async function problem(f: () => unknown): Promise<string> {
  try {
    await f();
  } catch (err) {
    expect(err).toBeInstanceOf(InputError);
    expect((err as Error).message).not.toContain("\n");
    return (err as Error).message;
  }
  throw new Error("no error");
}

describe("readBlissFile", () => {
  it("reads each scan's counters, positioners, start time and frames, following soft and external links", async () => {
    const b = await readBlissFile(FILE);
    expect(b.scans.map((s) => s.key)).toEqual(["1.1", "2.1", "3.1", "4.1"]);
    const [s1, s2, s3, s4] = b.scans as [NonNullable<(typeof b.scans)[0]>, ...typeof b.scans];
    expect(s1.title).toBe("amesh samy -0.25 0 1 samz 1 1.5 1 0.5");
    expect(s1.startTime).toBe("2024-05-14T10:02:03.250000+02:00");
    expect([...s1.counters.get("mon")!]).toEqual([1000, 1010, 990, 1005]);
    expect(s1.positioners.get("samx")).toBe(2.5);
    expect([...(s1.positioners.get("samy") as Float64Array)]).toEqual([-0.25, 0, -0.25, 0]);
    // measurement/pilatus → instrument/pilatus/data → external link to the Lima file
    expect(s1.stacks.get("pilatus")).toEqual({
      file: join(DIR, "scan0001", "pilatus_0000.h5"),
      dataset: "/entry_0000/measurement/data",
      frames: 4,
    });
    expect(s2!.stacks.get("eiger")).toEqual({
      file: join(DIR, "scan0002", "eiger_data_000001.h5"),
      dataset: "/entry/data/data",
      frames: 4,
    });
    expect(s3!.stacks.get("waxs")).toEqual({ file: FILE, dataset: "/3.1/instrument/waxs/data", frames: 3 });
    expect(s4!.stacks.get("pilatus")).toMatch(
      /4\.1\/measurement\/pilatus links to .*scan0004\/pilatus_0000\.h5, which does not exist/,
    );
  });

  it("refuses a file that is not HDF5, or not there, in one line naming it", async () => {
    expect(await problem(() => readBlissFile(fixturePath("spec", "operando.spec")))).toMatch(
      /operando\.spec: not a/,
    );
    expect(await problem(() => readBlissFile(join(DIR, "none.h5")))).toMatch(/none\.h5: no such file/);
  });
});

describe("blissScanLog", () => {
  it("one row per point and detector: the frames referenced in their Lima files, times from epoch or start_time + elapsed_time", async () => {
    const b = await readBlissFile(FILE);
    const log = blissScanLog(b, { ...BASE, scans: "1,2.1", frames: ["pilatus"], relativeTo: DIR });
    expect(log.scans).toEqual(["1.1", "2.1"]);
    expect(log.timeFrom).toEqual(["epoch", "start_time + elapsed_time"]);
    expect(log.datasets).toEqual({ pilatus: "/entry_0000/measurement/data" });
    expect(log.notes).toEqual([]);
    expect(log.csv.split("\n")[1]).toBe(
      "2024-05-14T08:02:03.250Z,pilatus,scan0001/pilatus_0000.h5,0,-0.25,1,0.5,1000,50.5",
    );
    const back = parseScanLog(log.csv, join(DIR, "scan.csv"));
    expect(back.length).toBe(8);
    expect([...back.frame]).toEqual([0, 1, 2, 3, 0, 1, 2, 3]);
    expect(back.file[4]).toBe(join(DIR, "scan0002", "pilatus_0000.h5"));
    const times = [0, 0.61, 1.22, 1.83, 100, 100.6, 101.2, 101.8].map(
      (t) => Math.round((T0 + t) * 1000) / 1000,
    );
    expect([...back.timeS]).toEqual(times);
    expect([...back.yMm]).toEqual([1, 1, 1.5, 1.5, 1, 1, 1.5, 1.5]);
    expect([...back.it.slice(4)]).toEqual([40, 41, 42, 43]);
  });

  it("without --frames: every detector in all chosen scans (one in some only: a note); patterns as for SPEC", async () => {
    const b = await readBlissFile(FILE);
    const log = blissScanLog(b, { ...BASE, scans: "1-2", frames: [] });
    expect(log.detectors).toEqual(["pilatus"]);
    expect(log.notes).toEqual(["eiger: frames in scan 2.1 only, left out (--frames eiger asks for them)"]);
    const both = blissScanLog(b, {
      ...BASE,
      scans: "2",
      frames: ["eiger", "saxs=raw/s{scan:03d}_{point:05d}.cbf"],
    });
    const back = parseScanLog(both.csv, "/exp/scan.csv");
    expect(back.detectors()).toEqual(["eiger", "saxs"]);
    expect(back.file.slice(0, 2)).toEqual([
      join(DIR, "scan0002", "eiger_data_000001.h5"),
      "/exp/raw/s002_00000.cbf",
    ]);
    expect(both.datasets).toEqual({ eiger: "/entry/data/data" });
  });

  it("an aborted scan: the points every counter and the frames reach, with a note; frames in the scan file itself", async () => {
    const b = await readBlissFile(FILE);
    const log = blissScanLog(b, { ...BASE, scans: "3", x: "samx", y: "samy", exposure: "0.5" });
    expect(log.points).toBe(2);
    expect(log.notes).toEqual([
      "scan 3.1: epoch 3, mon 2, diode 3, waxs frames 3 differ in length (an aborted scan?): kept the first 2 points",
    ]);
    expect(log.datasets).toEqual({ waxs: "/3.1/instrument/waxs/data" });
    expect(parseScanLog(log.csv, "/x/scan.csv").file[0]).toBe(FILE);
  });

  it("bad input: one line naming the file and what the scan has", async () => {
    const b = await readBlissFile(FILE);
    const run = (o: Partial<BlissScanLogOptions>) => () => blissScanLog(b, { ...BASE, scans: "1", ...o });
    expect(await problem(run({ x: "samq" }))).toBe(
      `${FILE}: --x "samq": scan 1.1 has no such counter or positioner (measurement: diode, elapsed_time, epoch, mon, samy, samz, sec; positioners: samx)`,
    );
    expect(await problem(run({ i0: "samx" }))).toMatch(
      /--i0 "samx": scan 1\.1 has no such counter \(measurement: diode,/,
    );
    expect(await problem(run({ scans: "4" }))).toMatch(
      /bliss_sample\.h5: scan 4\.1\/measurement\/pilatus links to .*scan0004\/pilatus_0000\.h5, which does not exist$/,
    );
    expect(await problem(run({ scans: "7" }))).toBe(
      `${FILE}: --scan: no scan 7 in the file (it has 1.1, 2.1, 3.1, 4.1)`,
    );
    expect(await problem(run({ frames: ["waxs"] }))).toMatch(
      /--frames "waxs": scan 1\.1 has no frames of that name in measurement \(frames: pilatus; measurement:/,
    );
    expect(await problem(run({ exposure: undefined }))).toMatch(
      /states no counting time per point: give --exposure/,
    );
    // two scans keep their frames in two datasets of one file: a scan log's detector reads one
    const s3 = b.scans[2]!;
    const s5 = {
      ...s3,
      key: "5.1",
      number: 5,
      stacks: new Map([["waxs", { file: FILE, dataset: "/5.1/instrument/waxs/data", frames: 3 }]]),
    };
    const twice = {
      ...b,
      scans: [s3, { ...s5, counters: new Map([...s3.counters].map(([k, v]) => [k, v.map((t) => t + 100)])) }],
    };
    expect(
      await problem(() => blissScanLog(twice, { ...BASE, x: "samx", y: "samy", exposure: "0.5" })),
    ).toMatch(
      /--frames waxs: its frames are in \/3\.1\/instrument\/waxs\/data in one scan and \/5\.1\/instrument\/waxs\/data in another, but a scan log's detector reads one dataset \(detectors\.waxs\.dataset\)/,
    );
  });

  it("a Lima file that is not beside the scan file any more: resolved from the scan file's folder", async () => {
    const dir = mkdtempSync(join(tmpdir(), "swaxs-bliss-"));
    copyFileSync(FILE, join(dir, "moved.h5"));
    mkdirSync(join(dir, "scan0001"));
    copyFileSync(join(DIR, "scan0001", "pilatus_0000.h5"), join(dir, "scan0001", "pilatus_0000.h5"));
    const b = await readBlissFile(join(dir, "moved.h5"));
    expect(blissScanLog(b, { ...BASE, scans: "1", frames: ["pilatus"], relativeTo: dir }).csv).toContain(
      ",pilatus,scan0001/pilatus_0000.h5,3,",
    );
    expect(b.scans[1]!.stacks.get("pilatus")).toMatch(/scan0002\/pilatus_0000\.h5, which does not exist/);
  });
});

const py = pythonWith(["h5py", "numpy"]);

/** h5py's view of each scan: measurement counters (1D), positioners, frames (file, dataset, count). */
const DUMP = `
import json, os, sys, h5py
path = sys.argv[1]
out = []
with h5py.File(path, "r") as f:
    for key in sorted(f, key=lambda k: [int(x) for x in k.split(".")]):
        s = f[key]
        scan = {"key": key, "title": s["title"][()].decode(), "start_time": s["start_time"][()].decode(),
                "counters": {}, "positioners": {}, "stacks": {}}
        meas = s["measurement"]
        for name in meas:
            link = meas.get(name, getlink=True)
            # follow soft links by hand until an external link or an object
            target, hops = f"/{key}/measurement/{name}", 0
            while isinstance(link, h5py.SoftLink) and hops < 32:
                target = link.path
                parent, leaf = target.rsplit("/", 1)
                link = f[parent].get(leaf, getlink=True)
                hops += 1
            if isinstance(link, h5py.ExternalLink):
                ext = os.path.join(os.path.dirname(path), link.filename)
                if not os.path.exists(ext):
                    scan["stacks"][name] = None
                    continue
                with h5py.File(ext, "r") as g:
                    scan["stacks"][name] = [ext, g[link.path].name, g[link.path].shape[0]]
                continue
            d = f[target]
            if d.ndim >= 3:
                scan["stacks"][name] = [path, d.name, d.shape[0]]
            elif d.ndim == 1:
                scan["counters"][name] = [float(v) for v in d[()]]
        for name, d in s["instrument/positioners"].items():
            v = d[()]
            scan["positioners"][name] = float(v) if d.ndim == 0 or d.shape == (1,) else [float(x) for x in v]
        out.append(scan)
print(json.dumps(out))
`;

interface H5pyScan {
  key: string;
  title: string;
  start_time: string;
  counters: Record<string, number[]>;
  positioners: Record<string, number | number[]>;
  stacks: Record<string, [string, string, number] | null>;
}

describe.skipIf(!toolAvailable("python3-h5py", py !== null))("Bliss reader = h5py", () => {
  it("every scan's counters, positioners, start time, title and frames, value by value", async () => {
    const ref = JSON.parse(runPython(py!, DUMP, [FILE])) as H5pyScan[];
    const ours = await readBlissFile(FILE);
    expect(ours.scans.map((s) => s.key)).toEqual(ref.map((s) => s.key));
    for (const [i, s] of ours.scans.entries()) {
      const r = ref[i]!;
      expect(s.title, s.key).toBe(r.title);
      expect(s.startTime, s.key).toBe(r.start_time);
      expect(Object.fromEntries([...s.counters].map(([k, v]) => [k, [...v]])), s.key).toEqual(r.counters);
      const pos = Object.fromEntries(
        [...s.positioners].map(([k, v]) => [k, typeof v === "number" ? v : [...v]]),
      );
      expect(pos, s.key).toEqual(r.positioners);
      const stacks = Object.fromEntries(
        [...s.stacks].map(([k, v]) => [k, typeof v === "string" ? null : [v.file, v.dataset, v.frames]]),
      );
      expect(stacks, s.key).toEqual(r.stacks);
    }
  });
});
