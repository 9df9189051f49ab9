import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { pythonWith, runPython, toolAvailable } from "../../test/support/tools.js";
import { InputError } from "../util/errors.js";
import { h5wasm, openH5 } from "./h5.js";
import { type CanSasEntry, type CanSasMeta, writeNxCanSas } from "./nxcansas-write.js";

const tmp = mkdtempSync(join(tmpdir(), "swaxs-cansas-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const META: CanSasMeta = { program: "swaxs", version: "0.1.0", date: "2025-01-02T03:04:05Z" };

/** A Guinier-like test curve on q = 0.05 … (1/nm), σ = sqrt(I)/10. */
function curve(n: number, scale = 1, ctor: Float32ArrayConstructor | Float64ArrayConstructor = Float32Array) {
  const qNm = Float64Array.from({ length: n }, (_, i) => 0.05 + 0.037 * i);
  const intensity = new ctor(n);
  const sigma = new ctor(n);
  qNm.forEach((q, i) => {
    intensity[i] = scale * 1000 * Math.exp(-(q * q * 25) / 3) + 1;
    sigma[i] = Math.sqrt(intensity[i]!) / 10;
  });
  return { qNm, intensity, sigma };
}

/** Three entries exercising the options: float32 with σ and a time; float64 in 1/Å and 1/cm; no σ. */
function entries(): CanSasEntry[] {
  return [
    { title: "LiFePO₄ cell 3 – charge", run: "scan_0007", time: "2025-01-02T03:04:05Z", ...curve(40) },
    {
      title: "empty cell",
      run: "scan_0008",
      qUnits: "1/angstrom",
      iUnits: "1/cm",
      ...curve(25, 0.5, Float64Array),
    },
    { title: "no sigma", run: "9", ...curve(12, 2), sigma: undefined },
  ];
}

const noTempFiles = (dir: string) => expect(readdirSync(dir).filter((n) => n.endsWith(".tmp"))).toEqual([]);

function expectClose(actual: number[], expected: ArrayLike<number>, rel = 1e-12): void {
  expect(actual).toHaveLength(expected.length);
  actual.forEach((a, i) => {
    const e = expected[i]!;
    expect(Math.abs(a - e)).toBeLessThanOrEqual(rel * Math.abs(e));
  });
}

describe("writeNxCanSas", () => {
  it("writes the NXcanSAS layout (read back with h5wasm)", async () => {
    const p = join(tmp, "layout.h5");
    const e = entries();
    await writeNxCanSas(p, e, META);
    noTempFiles(tmp);
    const f = await openH5(p);
    try {
      expect(f.keys()).toEqual(["sasentry01", "sasentry02", "sasentry03"]);
      expect(f.get_attribute("default", false)).toBe("sasentry01");
      const entry = new h5wasm.Group(f.file_id, "/sasentry01");
      expect(entry.get_attribute("canSAS_class", false)).toBe("SASentry");
      expect(entry.get_attribute("version", false)).toBe("1.1");
      expect(new h5wasm.Dataset(f.file_id, "/sasentry01/definition").value).toBe("NXcanSAS");
      expect(new h5wasm.Dataset(f.file_id, "/sasentry01/sasdata/I").value).toEqual(e[0]!.intensity);
      expect(new h5wasm.Dataset(f.file_id, "/sasentry01/sasdata/Idev").value).toEqual(e[0]!.sigma);
      expect(new h5wasm.Dataset(f.file_id, "/sasentry01/sasdata/Q").value).toEqual(e[0]!.qNm);
      expect(new h5wasm.Group(f.file_id, "/sasentry03/sasdata").keys().sort()).toEqual(["I", "Q"]);
    } finally {
      f.close();
    }
  });

  it("is read by h5py with the structure, attributes and values of the definition (cross-check)", async () => {
    const py = pythonWith(["h5py", "numpy"]);
    if (!toolAvailable("python3-h5py", py !== null)) return;
    const p = join(tmp, "h5py.h5");
    const e = entries();
    // A view into a larger buffer: must be written as its own values, not the buffer's start.
    const big = new Float32Array(100).fill(-1);
    big.set(e[2]!.intensity, 50);
    e[2] = { ...e[2]!, name: "custom_name", intensity: big.subarray(50, 50 + e[2]!.qNm.length) };
    await writeNxCanSas(p, e, META);

    const code = `
import json, sys, h5py, numpy as np
def attrs(o):
    return {k: (v.tolist() if isinstance(v, np.ndarray) else (v.item() if isinstance(v, np.generic) else v)) for k, v in o.attrs.items()}
def types(o):
    return {k: type(v).__name__ for k, v in o.attrs.items()}
out = {}
with h5py.File(sys.argv[1], "r") as f:
    out["root"] = attrs(f); out["root_t"] = types(f); out["keys"] = list(f.keys())
    for name in f:
        g = f[name]; d = g["sasdata"]
        out[name] = {
            "attrs": attrs(g), "attrs_t": types(g), "keys": sorted(g.keys()),
            "definition": g["definition"].asstr()[()], "title": g["title"].asstr()[()], "run": g["run"].asstr()[()],
            "data": attrs(d), "data_t": types(d), "data_keys": sorted(d.keys()),
            "I": attrs(d["I"]), "I_dtype": str(d["I"].dtype), "I_values": d["I"][()].tolist(),
            "Q": attrs(d["Q"]), "Q_dtype": str(d["Q"].dtype), "Q_values": d["Q"][()].tolist(),
            "process": attrs(g["sasprocess"]),
            "process_fields": {k: g["sasprocess"][k].asstr()[()] for k in g["sasprocess"]},
        }
        if "Idev" in d:
            out[name]["Idev"] = attrs(d["Idev"]); out[name]["Idev_dtype"] = str(d["Idev"].dtype)
            out[name]["Idev_values"] = d["Idev"][()].tolist()
print(json.dumps(out))
`;
    const r = JSON.parse(runPython(py!, code, [p]));
    expect(r.keys).toEqual(["custom_name", "sasentry01", "sasentry02"]);
    expect(r.root).toEqual({
      NX_class: "NXroot",
      default: "sasentry01",
      file_name: "h5py.h5",
      file_time: META.date,
      producer: "swaxs 0.1.0",
      creator: "swaxs 0.1.0",
    });
    // Attributes are real strings (variable-length), which h5py hands back as str, not bytes.
    expect(new Set(Object.values(r.root_t))).toEqual(new Set(["str"]));

    const first = r.sasentry01;
    expect(first.attrs).toEqual({
      NX_class: "NXentry",
      canSAS_class: "SASentry",
      version: "1.1",
      default: "sasdata",
    });
    expect(first.attrs_t.version).toBe("str");
    expect(first.keys).toEqual(["definition", "run", "sasdata", "sasprocess", "title"]);
    expect([first.definition, first.title, first.run]).toEqual([
      "NXcanSAS",
      "LiFePO₄ cell 3 – charge",
      "scan_0007",
    ]);
    expect(first.data).toEqual({
      NX_class: "NXdata",
      canSAS_class: "SASdata",
      signal: "I",
      I_axes: "Q",
      Q_indices: 0,
      axes: "Q",
      timestamp: "2025-01-02T03:04:05Z",
    });
    expect(first.data_t.Q_indices).toBe("int32");
    expect(first.data_keys).toEqual(["I", "Idev", "Q"]);
    expect(first.I).toEqual({ units: "arbitrary", uncertainties: "Idev" });
    expect(first.Idev).toEqual({ units: "arbitrary" });
    expect(first.Q).toEqual({ units: "1/nm" });
    expect([first.I_dtype, first.Idev_dtype, first.Q_dtype]).toEqual(["float32", "float32", "float64"]);
    expect(first.I_values).toEqual(Array.from(e[0]!.intensity));
    expect(first.Idev_values).toEqual(Array.from(e[0]!.sigma!));
    expect(first.Q_values).toEqual(Array.from(e[0]!.qNm));
    expect(first.process).toEqual({ NX_class: "NXprocess", canSAS_class: "SASprocess" });
    expect(first.process_fields).toEqual({ name: "swaxs", date: META.date, description: "swaxs 0.1.0" });

    const second = r.sasentry02;
    expect(second.data.timestamp).toBeUndefined();
    expect(second.I).toEqual({ units: "1/cm", uncertainties: "Idev" });
    expect(second.Idev).toEqual({ units: "1/cm" });
    expect(second.Q).toEqual({ units: "1/angstrom" });
    expect([second.I_dtype, second.Idev_dtype]).toEqual(["float64", "float64"]);
    expectClose(
      second.Q_values,
      e[1]!.qNm.map((q) => q / 10),
    );
    expect(second.I_values).toEqual(Array.from(e[1]!.intensity));

    const third = r.custom_name;
    expect(third.data_keys).toEqual(["I", "Q"]);
    expect(third.I).toEqual({ units: "arbitrary" });
    expect(third.I_values).toEqual(Array.from(e[2]!.intensity));
  });

  it("is loaded by SasView's loader (sasdata) with Q converted to 1/Å (cross-check)", async () => {
    const py = pythonWith(["sasdata.dataloader.loader", "numpy"]);
    if (!toolAvailable("python3-sasdata", py !== null)) return;
    const p = join(tmp, "sasview.h5");
    const e = entries();
    await writeNxCanSas(p, e, META);

    const code = `
import json, sys
from sasdata.dataloader.loader import Loader
data = Loader().load(sys.argv[1])
out = []
for d in data:
    out.append({
        "type": type(d).__name__, "title": d.title, "run": list(d.run),
        "x": d.x.tolist(), "y": d.y.tolist(), "dy": None if d.dy is None else d.dy.tolist(),
        "x_unit": d.x_unit, "y_unit": d.y_unit, "errors": [str(x) for x in d.errors],
        "reader": d.meta_data.get("reader"),
        "process": [[p.name, p.date, p.description] for p in d.process],
    })
print(json.dumps(out))
`;
    const r = JSON.parse(runPython(py!, code, [p]));
    expect(r).toHaveLength(3);
    // sasdata converts Q to its canonical 1/Å (and labels it "A^{-1}"), leaves I as it is.
    const toAngstrom = (q: Float64Array) => Array.from(q, (v) => v / 10);
    r.forEach((d: Record<string, unknown>, i: number) => {
      const want = e[i]!;
      expect(d.type).toBe("Data1D");
      expect(d.title).toBe(want.title);
      expect(d.run).toEqual([want.run]);
      expect(d.errors).toEqual([]);
      expect(d.reader).toBe("NXcanSAS");
      expect(d.x_unit).toBe("A^{-1}");
      expectClose(d.x as number[], toAngstrom(want.qNm));
      expect(d.y).toEqual(Array.from(want.intensity));
      if (want.sigma) expect(d.dy).toEqual(Array.from(want.sigma));
      else expect(d.dy).toBeNull();
      expect(d.process).toEqual([["swaxs", META.date, "swaxs 0.1.0"]]);
    });
    expect(r.map((d: { y_unit: string }) => d.y_unit)).toEqual(["arbitrary", "cm^{-1}", "arbitrary"]);
  });

  it("rejects mismatched lengths with a message naming the entry, leaving no file behind", async () => {
    const dir = mkdtempSync(join(tmp, "bad-"));
    const p = join(dir, "bad.h5");
    const good = curve(10);
    const bad = (patch: Partial<CanSasEntry>) =>
      writeNxCanSas(
        p,
        [
          { title: "ok", run: "1", ...good },
          { title: "t", run: "2", ...good, ...patch },
        ],
        META,
      );

    await expect(bad({ intensity: new Float32Array(9) })).rejects.toThrow(
      'entry 1 ("sasentry02"): intensity has 9 values, Q has 10',
    );
    await expect(bad({ sigma: new Float32Array(11) })).rejects.toThrow(
      'entry 1 ("sasentry02"): sigma has 11 values, Q has 10',
    );
    expect(existsSync(p)).toBe(false);
    expect(readdirSync(dir)).toEqual([]);
  });

  it("rejects bad Q, names, units and times before touching the output", async () => {
    const dir = mkdtempSync(join(tmp, "bad2-"));
    const p = join(dir, "out.h5");
    writeFileSync(p, "previous result");
    const one = (patch: Partial<CanSasEntry>) =>
      writeNxCanSas(p, [{ title: "t", run: "1", ...curve(5), ...patch }], META);
    const q = (...v: number[]) => ({
      qNm: Float64Array.from(v),
      intensity: new Float32Array(v.length),
      sigma: undefined,
    });

    await expect(one(q(0.1, 0.3, 0.2))).rejects.toThrow(
      'entry 0 ("sasentry01"): Q is not strictly increasing (Q[1] = 0.3, Q[2] = 0.2)',
    );
    await expect(one(q(0.1, 0.1))).rejects.toThrow(/not strictly increasing/);
    await expect(one(q(0.1, Number.NaN))).rejects.toThrow("Q[1] = NaN is not a finite |Q| ≥ 0");
    await expect(one(q(-0.1, 0.2))).rejects.toThrow("Q[0] = -0.1 is not a finite |Q| ≥ 0");
    await expect(one(q())).rejects.toThrow("Q is empty");
    await expect(one({ name: "a/b" })).rejects.toThrow('"a/b" cannot be used as a NeXus group name');
    await expect(one({ qUnits: "nm^-1" as never })).rejects.toThrow(
      'Q units "nm^-1" are not one of 1/nm, 1/angstrom',
    );
    await expect(one({ iUnits: "counts" as never })).rejects.toThrow(
      /intensity units "counts" are not one of/,
    );
    await expect(one({ time: "yesterday" })).rejects.toThrow('time "yesterday" is not an ISO 8601 date');
    await expect(
      writeNxCanSas(
        p,
        [
          { name: "x", title: "a", run: "1", ...curve(5) },
          { name: "x", title: "b", run: "2", ...curve(5) },
        ],
        META,
      ),
    ).rejects.toThrow('entry 1 ("x"): duplicate entry name');
    await expect(writeNxCanSas(p, [], META)).rejects.toThrow("no entries to write");
    expect(readFileSync(p, "utf8")).toBe("previous result");
    expect(readdirSync(dir)).toEqual(["out.h5"]);
  });

  it("names default entries with enough zero padding to sort in order", async () => {
    const p = join(tmp, "many.h5");
    const c = curve(5);
    await writeNxCanSas(
      p,
      Array.from({ length: 101 }, (_, i) => ({ title: `t${i}`, run: String(i), ...c })),
      META,
    );
    const f = await openH5(p);
    try {
      const keys = f.keys();
      expect(keys[0]).toBe("sasentry001");
      expect(keys[100]).toBe("sasentry101");
      expect(new h5wasm.Dataset(f.file_id, "/sasentry010/title").value).toBe("t9");
    } finally {
      f.close();
    }
  });

  it("says when the output directory does not exist", async () => {
    const p = join(tmp, "no", "such", "dir", "out.h5");
    const err = await writeNxCanSas(p, [{ title: "t", run: "1", ...curve(5) }], META).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(InputError);
    expect((err as InputError).message).toBe(
      `${p}: cannot write: directory ${join(tmp, "no", "such", "dir")} does not exist`,
    );
  });
});
