/**
 * `align/` against independent answers: scipy's curve_fit on a golden line scan with known erf
 * edges and Poisson noise (scripts/align-golden.py), the simulator's cell geometry and truth.json
 * for its alignment scans, Python's math.erf and scipy's F distribution; and the one-line refusals.
 */
import { readFileSync } from "node:fs";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { transmission } from "../physics/index.js";
import { makeCell, PRESETS, simulate } from "../simulate/index.js";
import {
  alignScan,
  type EdgeFit,
  erf,
  erfExact,
  fDistributionSf,
  findEdges,
  lineScanOf,
  parseScanCsv,
  readLineScan,
} from "./index.js";

const FIXTURE = new URL("../../test/fixtures/align/", import.meta.url);
const CSV = join(FIXTURE.pathname, "linescan.csv");

interface ScipyFit {
  levels: number[];
  levels_err: number[];
  edges: number[];
  edges_err: number[];
  widths: number[];
  widths_err: number[];
  chi2: number;
}
interface GoldenScan {
  truth: { levels: number[]; edges: number[]; widths: number[] };
  scipy: ScipyFit;
}
const golden = JSON.parse(readFileSync(join(FIXTURE.pathname, "linescan.golden.json"), "utf8")) as {
  sigma_floor: number;
  vertical: GoldenScan;
  horizontal: GoldenScan;
  f_sf: { f: number; d1: number; d2: number; sf: number }[];
};

describe("special functions", () => {
  // Python 3's math.erf (printed with %.17g)
  it.each([
    [-2.5, -0.99959304798255499],
    [-0.3, -0.32862675945912739],
    [0.1, 0.1124629160182849],
    [0.9, 0.79690821242283216],
    [1.7, 0.98379045859077452],
    [3.01, 0.99997926103636292],
    [4.5, 0.99999999980338394],
  ])("erf(%f) equals math.erf to 1e-14", (x, want) => {
    expect(Math.abs(erfExact(x) - want)).toBeLessThan(1e-14);
    expect(Math.abs(erf(x) - want)).toBeLessThan(2e-14);
  });

  it("the F distribution's tail equals scipy.stats.f.sf", () => {
    for (const g of golden.f_sf) expect(fDistributionSf(g.f, g.d1, g.d2)).toBeCloseTo(g.sf, 12);
  });
});

describe("edges of the golden line scan vs scipy.optimize.curve_fit", () => {
  it.each(["vertical", "horizontal"] as const)(
    "%s: our edge count, values within 0.05 σ of scipy's, errors within 1 %, truth within 3 σ",
    async (dir) => {
      const g = golden[dir];
      const fit = findEdges(await readLineScan(CSV, dir), { sigmaFloor: golden.sigma_floor });
      // the F-test finds the number of edges the data were made with, no more
      expect(fit.edges).toHaveLength(g.truth.edges.length);
      const ours = {
        levels: fit.plateaus.map((p) => [p.transmission, p.err]),
        edges: fit.edges.map((e) => [e.posMm, e.posErrMm]),
        widths: fit.edges.map((e) => [e.widthMm, e.widthErrMm]),
      };
      for (const key of ["levels", "edges", "widths"] as const) {
        ours[key].forEach(([v, err], j) => {
          const sv = g.scipy[key][j]!;
          const se = g.scipy[`${key}_err`][j]!;
          expect(Math.abs(v! - sv), `${key}[${j}] ${v} vs scipy ${sv} ± ${se}`).toBeLessThan(0.05 * se);
          expect(Math.abs(err! / se - 1), `${key}[${j}] error ${err} vs scipy ${se}`).toBeLessThan(0.01);
          expect(Math.abs(v! - g.truth[key][j]!), `${key}[${j}] covers the truth`).toBeLessThan(3 * err!);
        });
      }
      expect(fit.chi2 / g.scipy.chi2 - 1).toBeLessThan(1e-6);
    },
  );
});

/** Boundaries of the simulated ASSB cell where the transmission changes: what a scan can see. */
function visibleEdges(energyKeV: number): number[] {
  const cell = makeCell("assb");
  // the materials the simulator attenuates each layer with (simulate/experiment.ts MATERIAL_FOR_T)
  const material: Record<string, string> = {
    steel: "steel",
    "cathode-assb": "cathode",
    "separator-assb": "Li6PS5Cl",
    "anode-lpscl": "Li6PS5Cl",
    "anode-in": "In",
  };
  const t = cell.layers.map((l) =>
    transmission([{ material: material[l.material]!, thicknessMm: cell.pathMm }], energyKeV),
  );
  return cell.layers.slice(1).flatMap((l, i) => (Math.abs(t[i + 1]! - t[i]!) > 1e-3 ? [l.y0Mm] : []));
}

describe.each(["demo", "tiny"] as const)("the simulator's alignment scan, %s preset", (preset) => {
  const p = PRESETS[preset];
  let dir = "";
  let fit: EdgeFit;
  let truth: { layers: string[]; y_mm: number[]; transmission_by_row: number[] };
  beforeAll(async () => {
    dir = join(await mkdtemp(join(tmpdir(), "swaxs-align-")), preset);
    await simulate({ ...p, cols: 1, sweeps: 2 }, dir, { seed: 3 });
    fit = findEdges(await readLineScan(join(dir, "alignment.csv")));
    truth = JSON.parse(readFileSync(join(dir, "truth.json"), "utf8"));
  }, 60_000);

  it("finds the cell's visible edges within 3 σ (+1 µm), with the beam's blur as width", () => {
    const want = visibleEdges(p.energyKeV);
    expect(want).toEqual([0, 0.6, 1.25]); // stack bottom, cathode|separator, the opaque In foil
    expect(fit.edges.map((e) => e.posMm)).toHaveLength(want.length);
    fit.edges.forEach((e, k) => {
      expect(Math.abs(e.posMm - want[k]!), `edge ${k} at ${e.posMm} ± ${e.posErrMm}`).toBeLessThan(
        3 * e.posErrMm + 0.001,
      );
    });
    // the outer edges are located to a few µm
    expect(fit.edges[0]!.posErrMm).toBeLessThan(0.005);
    expect(fit.edges[2]!.posErrMm).toBeLessThan(0.005);
    // a top-hat beam of height h blurs an edge into a ramp whose σ is h/√12; the erf fits it ~10 % wider
    const boxSigma = p.beamHeightMm / Math.sqrt(12);
    for (const k of [0, 2]) expect(fit.edges[k]!.widthMm / boxSigma - 1).toBeGreaterThan(-0.05);
    for (const k of [0, 2]) expect(fit.edges[k]!.widthMm / boxSigma - 1).toBeLessThan(0.2);
  });

  it("the plateaus are the transmissions truth.json gives for rows inside one layer", () => {
    // rows whose whole beam (height h) falls inside one layer
    const edges = visibleEdges(p.energyKeV);
    const inner = (role: string) =>
      truth.y_mm.flatMap((y, r) =>
        truth.layers[r] === role && edges.every((e) => Math.abs(y - e) > p.beamHeightMm / 2)
          ? [truth.transmission_by_row[r]!]
          : [],
      );
    const cathode = inner("cathode");
    const separator = inner("separator");
    expect(cathode.length).toBeGreaterThan(0);
    expect(separator.length).toBeGreaterThan(0);
    expect(Math.abs(fit.plateaus[1]!.transmission - cathode[0]!)).toBeLessThan(
      3 * fit.plateaus[1]!.err + 1e-4,
    );
    expect(Math.abs(fit.plateaus[2]!.transmission - separator[0]!)).toBeLessThan(
      3 * fit.plateaus[2]!.err + 1e-4,
    );
  });

  it("labels the simulator's grid rows as truth.json does (the opaque anode foil shows as outside)", async () => {
    const r = alignScan(await readLineScan(join(dir, "alignment.csv")), { stepMm: p.stepYMm });
    expect(r.grid!.rows.length).toBeGreaterThan(3);
    const names = ["other", "cathode", "separator", "other"];
    let agree = 0;
    truth.y_mm.forEach((y, row) => {
      const got = names[fit.edges.filter((e) => e.posMm <= y).length]!;
      const want = truth.layers[row] === "anode" ? "other" : truth.layers[row]!;
      // the simulator labels by the majority of the beam; rows on an edge may differ
      const onEdge = fit.edges.some((e) => Math.abs(y - e.posMm) < p.beamHeightMm / 2);
      if (!onEdge) expect(got, `row ${row} at y = ${y}`).toBe(want);
      if (got === want) agree++;
    });
    expect(agree).toBeGreaterThanOrEqual(truth.y_mm.length - 2);
  });
});

describe("proposed grid", () => {
  it("rows over the stack at the edge FWHM, outside rows other, and a by_row block", async () => {
    const r = alignScan(await readLineScan(CSV, "vertical"), { layers: ["cathode", "separator"] });
    const g = r.grid!;
    const fwhm = r.edges.map((e) => e.fwhm_mm).sort((a, b) => a - b)[1]!;
    expect(g.step_mm).toBeCloseTo(fwhm, 3);
    expect(g.rows[0]!.layer).toBe("other");
    expect(g.rows.at(-1)!.layer).toBe("other");
    expect(g.rows[0]!.pos_mm).toBeLessThan(r.stack!.from_mm);
    expect(g.rows.at(-1)!.pos_mm).toBeGreaterThan(r.stack!.to_mm);
    for (const row of g.rows) {
      const k = r.edges.filter((e) => e.pos_mm <= row.pos_mm).length;
      expect(row.layer).toBe(["other", "cathode", "separator", "other"][k]);
    }
    expect(g.yaml.split("\n").slice(0, 3)).toEqual(["regions:", "  by_row:", "    '0': other"]);
    expect(() =>
      alignScan(lineScanOf(parseScanCsv("s.csv", readFileSync(CSV, "utf8"))), { layers: ["anode"] }),
    ).toThrow(/--layers names 1 layer, but the scan shows 2 between its outer edges/);
  });
});

describe("bad line scans: one line naming the file and the problem", () => {
  const bad = async (text: string, dir?: "vertical" | "horizontal") => {
    const f = join(await mkdtemp(join(tmpdir(), "swaxs-align-bad-")), "scan.csv");
    await writeFile(f, text);
    try {
      findEdges(await readLineScan(f, dir));
    } catch (e) {
      const msg = (e as Error).message;
      expect((e as Error).name).toBe("InputError");
      expect(msg.split("\n")).toHaveLength(1);
      expect(msg.startsWith(`${f}: `)).toBe(true);
      return msg.slice(f.length + 2);
    }
    throw new Error("accepted");
  };
  const rows = (n: number) =>
    Array.from({ length: n }, (_, i) => `vertical,0,${i * 0.1},1000,${i < n / 2 ? 100 : 500}`).join("\n");

  it.each([
    ["scan,y_mm,i0,it\nvertical,0,1,1\n", "missing column x_mm (expected a header row scan,x_mm,y_mm,i0,it)"],
    ["scan,x_mm,y_mm\nvertical,0,1\n", "missing columns i0, it (expected a header row scan,x_mm,y_mm,i0,it)"],
    [`scan,x_mm,y_mm,i0,it\n${rows(3)}\nvertical,0,0.5,1000,abc\n`, 'line 5: it is not a number: "abc"'],
    [`scan,x_mm,y_mm,i0,it\n${rows(8)}\nvertical,0,0.9,0,10\n`, "line 10: i0 = 0: no beam on the monitor"],
    [
      `scan,x_mm,y_mm,i0,it\n${rows(4)}\n`,
      "the vertical scan has 4 points; one edge has 4 parameters, so at least 5 are needed",
    ],
    [
      `scan,x_mm,y_mm,i0,it\n${rows(8)}\ndiagonal,0,0.9,1000,10\n`,
      'line 10: scan must be vertical or horizontal, got "diagonal"',
    ],
    ["scan,x_mm,y_mm,i0,it\n", "no data rows after the header"],
    [
      `scan,x_mm,y_mm,i0,it\n${Array.from({ length: 9 }, () => "vertical,0,0.3,1000,10").join("\n")}\n`,
      "the vertical scan does not move: every point at 0.3 mm",
    ],
  ])("%j", async (text, msg) => {
    expect(await bad(text)).toBe(msg);
  });

  it("a scan the file does not hold, and a flat one", async () => {
    expect(await bad(`scan,x_mm,y_mm,i0,it\n${rows(8)}\n`, "horizontal")).toBe(
      "no horizontal scan in the file (it holds: vertical)",
    );
    const flat = Array.from(
      { length: 20 },
      (_, i) => `vertical,0,${i * 0.1},100000,${15000 + (i % 2 ? 90 : -90)}`,
    );
    expect(await bad(`scan,x_mm,y_mm,i0,it\n${flat.join("\n")}\n`)).toBe(
      "no edge in the vertical scan: the transmission is flat",
    );
  });
});
