import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { pythonWith, runPython, toolAvailable } from "../../test/support/tools.js";
import { InputError } from "../util/errors.js";
import { h5wasm, initH5, openH5 } from "./h5.js";
import { createNxIntegrated, type NxIntegratedHeader, writeNxIntegrated } from "./nexus-write.js";

const tmp = mkdtempSync(join(tmpdir(), "swaxs-nxw-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function header(frames: number, bins: number, extra: Partial<NxIntegratedHeader> = {}): NxIntegratedHeader {
  return {
    radial: Float64Array.from({ length: bins }, (_, i) => 0.05 + 0.1 * i),
    radialName: "q",
    radialUnits: "1/nm",
    frames,
    sourceFiles: Array.from(
      { length: frames },
      (_, i) => `/data/run7/frame_${String(i).padStart(5, "0")}.cbf`,
    ),
    program: "swaxs",
    version: "0.1.0",
    date: "2025-01-02T03:04:05Z",
    config: JSON.stringify({ poni: "cal.poni", bins, unit: "q_nm^-1", mask: null }),
    ...extra,
  };
}

/** Deterministic test curves: I[f, b] = 1000 / (1 + b) + f, σ = sqrt(I). */
function curves(frames: number, bins: number, ctor: Float32ArrayConstructor | Float64ArrayConstructor) {
  const intensity = new ctor(frames * bins);
  const errors = new ctor(frames * bins);
  for (let f = 0; f < frames; f++) {
    for (let b = 0; b < bins; b++) {
      intensity[f * bins + b] = 1000 / (1 + b) + f;
      errors[f * bins + b] = Math.sqrt(intensity[f * bins + b]!);
    }
  }
  return { intensity, errors };
}

function total(a: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]!;
  return s;
}

function strAttr(obj: { get_attribute(name: string, json: false): unknown }, name: string): unknown {
  return obj.get_attribute(name, false);
}

const noTempFiles = (dir: string) => expect(readdirSync(dir).filter((n) => n.endsWith(".tmp"))).toEqual([]);

describe("writeNxIntegrated", () => {
  it("writes the NeXus layout (read back with h5wasm)", async () => {
    const p = join(tmp, "curves.h5");
    const { intensity, errors } = curves(3, 50, Float32Array);
    await writeNxIntegrated(p, { ...header(3, 50), intensity, errors });
    noTempFiles(tmp);

    const f = await openH5(p);
    try {
      expect(strAttr(f, "default")).toBe("entry");
      expect(strAttr(f, "NX_class")).toBe("NXroot");
      const entry = new h5wasm.Group(f.file_id, "/entry");
      expect(strAttr(entry, "NX_class")).toBe("NXentry");
      expect(strAttr(entry, "default")).toBe("data");
      const data = new h5wasm.Group(f.file_id, "/entry/data");
      expect(strAttr(data, "NX_class")).toBe("NXdata");
      expect(strAttr(data, "signal")).toBe("I");
      expect(strAttr(data, "axes")).toEqual([".", "q"]);
      expect(strAttr(data, "q_indices")).toBe(1);
      const I = new h5wasm.Dataset(f.file_id, "/entry/data/I");
      expect(I.shape).toEqual([3, 50]);
      expect(I.dtype).toBe("<f");
      expect(I.metadata.chunks).toEqual([1, 50]);
      expect(I.value).toEqual(intensity);
      expect(new h5wasm.Dataset(f.file_id, "/entry/data/I_errors").value).toEqual(errors);
      const q = new h5wasm.Dataset(f.file_id, "/entry/data/q");
      expect(q.dtype).toBe("<d");
      expect(strAttr(q, "units")).toBe("1/nm");
      expect(strAttr(q, "long_name")).toBe("q (1/nm)");
      const note = new h5wasm.Dataset(f.file_id, "/entry/process/configuration/data");
      expect(JSON.parse(note.value as string)).toEqual({
        poni: "cal.poni",
        bins: 50,
        unit: "q_nm^-1",
        mask: null,
      });
      expect(new h5wasm.Dataset(f.file_id, "/entry/process/source_files").value).toEqual(
        header(3, 50).sourceFiles,
      );
    } finally {
      f.close();
    }
  });

  it("is read by h5py and silx as a valid NXdata (cross-check)", async () => {
    const py = pythonWith(["h5py", "numpy"]);
    if (!toolAvailable("python3-h5py", py !== null)) return;
    const p = join(tmp, "crosscheck.h5");
    const { intensity, errors } = curves(4, 30, Float64Array);
    const frameAxis = { name: "time", values: Float64Array.of(0, 60, 120, 180), units: "s" };
    await writeNxIntegrated(p, {
      ...header(4, 30, { radialName: "2th", radialUnits: "deg", frameAxis }),
      intensity,
      errors,
    });

    const code = `
import json, sys, h5py, numpy as np
out = {}
with h5py.File(sys.argv[1], "r") as f:
    def attrs(o):
        return {k: (v.tolist() if isinstance(v, np.ndarray) else (v.item() if isinstance(v, np.generic) else v)) for k, v in o.attrs.items()}
    def types(o):
        return {k: type(v).__name__ for k, v in o.attrs.items()}
    out["root"] = attrs(f); out["root_t"] = types(f)
    out["entry"] = attrs(f["entry"]); out["entry_t"] = types(f["entry"])
    out["data"] = attrs(f["entry/data"]); out["data_t"] = types(f["entry/data"])
    out["process"] = attrs(f["entry/process"])
    out["note"] = attrs(f["entry/process/configuration"])
    I = f["entry/data/I"]
    out["I"] = {"shape": list(I.shape), "dtype": str(I.dtype), "sum": float(I[()].sum()), "chunks": list(I.chunks), "compression": I.compression}
    out["I_errors_sum"] = float(f["entry/data/I_errors"][()].sum())
    out["2th"] = attrs(f["entry/data/2th"]); out["2th_values"] = f["entry/data/2th"][()].tolist()
    out["time"] = attrs(f["entry/data/time"])
    out["config"] = json.loads(f["entry/process/configuration/data"].asstr()[()])
    out["program"] = f["entry/process/program"].asstr()[()]
    out["sources"] = f["entry/process/source_files"].asstr()[()].tolist()
try:
    from silx.io.nxdata import get_default
    with h5py.File(sys.argv[1], "r") as f:
        nxd = get_default(f)
        out["silx"] = {"valid": nxd is not None and nxd.is_valid, "signal": nxd.signal.name, "signal_name": nxd.signal_name, "axes": nxd.axes_dataset_names,
                        "errors": nxd.errors is not None, "interpretation": nxd.interpretation, "is_curve": nxd.is_curve}
except ImportError:
    out["silx"] = None
print(json.dumps(out))
`;
    const r = JSON.parse(runPython(py!, code, [p]));
    // Attributes are proper (variable-length) strings, which h5py returns as str, not bytes.
    expect(r.root).toMatchObject({ NX_class: "NXroot", default: "entry", creator: "swaxs 0.1.0" });
    expect(r.root_t.NX_class).toBe("str");
    expect(r.entry).toEqual({ NX_class: "NXentry", default: "data" });
    expect(r.entry_t).toEqual({ NX_class: "str", default: "str" });
    expect(r.data).toEqual({
      NX_class: "NXdata",
      signal: "I",
      axes: ["time", "2th"],
      "2th_indices": 1,
      time_indices: 0,
    });
    expect(r.data_t).toMatchObject({
      NX_class: "str",
      signal: "str",
      axes: "ndarray",
      "2th_indices": "int32",
    });
    expect(r.process).toEqual({ NX_class: "NXprocess" });
    expect(r.note).toEqual({ NX_class: "NXnote" });
    expect(r.I).toEqual({
      shape: [4, 30],
      dtype: "float64",
      sum: expect.any(Number),
      chunks: [1, 30],
      compression: null,
    });
    expect(r.I.sum).toBeCloseTo(total(intensity), 6);
    expect(r.I_errors_sum).toBeCloseTo(total(errors), 6);
    expect(r["2th"]).toEqual({ units: "deg", long_name: "2theta (deg)" });
    expect(r["2th_values"]).toEqual(Array.from(header(4, 30).radial));
    expect(r.time).toEqual({ units: "s", long_name: "time (s)" });
    expect(r.config.poni).toBe("cal.poni");
    expect(r.program).toBe("swaxs");
    expect(r.sources).toEqual(header(4, 30).sourceFiles);
    if (toolAvailable("python3-silx", r.silx !== null)) {
      expect(r.silx).toEqual({
        valid: true,
        signal: "/entry/data/I",
        signal_name: "intensity", // silx shows @long_name
        axes: ["time", "2th"],
        errors: true,
        interpretation: "spectrum",
        is_curve: true,
      });
    }
  });

  it("rejects data of the wrong size before creating anything", async () => {
    const p = join(tmp, "bad.h5");
    await expect(writeNxIntegrated(p, { ...header(2, 10), intensity: new Float32Array(19) })).rejects.toThrow(
      /intensity has 19 values, expected 2 × 10/,
    );
    await expect(
      writeNxIntegrated(p, {
        ...header(2, 10),
        intensity: new Float32Array(20),
        errors: new Float32Array(2),
      }),
    ).rejects.toThrow(/errors has 2 values/);
    await expect(
      writeNxIntegrated(p, { ...header(2, 10, { radialName: "q/nm" }), intensity: new Float32Array(20) }),
    ).rejects.toThrow(/cannot be used as a NeXus axis name/);
    expect(existsSync(p)).toBe(false);
    noTempFiles(tmp);
  });

  it("says when the output directory does not exist", async () => {
    const p = join(tmp, "no", "such", "dir", "out.h5");
    const err = await writeNxIntegrated(p, { ...header(1, 4), intensity: new Float32Array(4) }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(InputError);
    expect((err as InputError).message).toBe(
      `${p}: cannot write: directory ${join(tmp, "no", "such", "dir")} does not exist`,
    );
  });
});

describe("createNxIntegrated (streaming)", () => {
  it("writes row by row under a temporary name and renames on finish", async () => {
    const dir = mkdtempSync(join(tmp, "stream-"));
    const p = join(dir, "out.h5");
    const w = await createNxIntegrated(p, header(5, 8), { dtype: "float32", errors: true });
    expect(w.tempPath).not.toBe(p);
    expect(existsSync(w.tempPath)).toBe(true);
    expect(existsSync(p)).toBe(false);
    const { intensity, errors } = curves(5, 8, Float32Array);
    for (const i of [4, 0, 2, 1, 3]) {
      w.writeRow(i, intensity.subarray(i * 8, i * 8 + 8), Array.from(errors.subarray(i * 8, i * 8 + 8)));
    }
    expect(() => w.writeRow(5, new Float32Array(8), new Float32Array(8))).toThrow(/row 5 out of range 0…4/);
    expect(() => w.writeRow(0, new Float32Array(7), new Float32Array(8))).toThrow(/7 values, expected 8/);
    expect(() => w.writeRow(0, new Float32Array(8))).toThrow(/give sigma/);
    w.finish();
    expect(existsSync(p)).toBe(true);
    expect(readdirSync(dir)).toEqual(["out.h5"]);
    w.abort(); // harmless after finish
    expect(existsSync(p)).toBe(true);

    const f = await openH5(p);
    expect(new h5wasm.Dataset(f.file_id, "/entry/data/I").value).toEqual(intensity);
    expect(new h5wasm.Dataset(f.file_id, "/entry/data/I_errors").value).toEqual(errors);
    f.close();
  });

  it("never publishes a file with rows missing", async () => {
    const dir = mkdtempSync(join(tmp, "partial-"));
    const p = join(dir, "out.h5");
    writeFileSync(p, "previous result");
    const w = await createNxIntegrated(p, header(3, 4));
    w.writeRow(0, [1, 2, 3, 4]);
    w.writeRow(2, [1, 2, 3, 4]);
    expect(() => w.finish()).toThrow(/1 of 3 rows were never written/);
    expect(readdirSync(dir)).toEqual(["out.h5"]);
    expect(readFileSync(p, "utf8")).toBe("previous result");
    expect(() => w.writeRow(1, [1, 2, 3, 4])).toThrow(/write after aborted/);
  });

  it("abort removes the temporary file and leaves an existing output alone", async () => {
    const dir = mkdtempSync(join(tmp, "abort-"));
    const p = join(dir, "out.h5");
    writeFileSync(p, "previous result");
    const w = await createNxIntegrated(p, header(2, 4));
    w.writeRow(0, [1, 2, 3, 4]);
    w.abort();
    w.abort();
    expect(readdirSync(dir)).toEqual(["out.h5"]);
    expect(readFileSync(p, "utf8")).toBe("previous result");
  });

  it("keeps memory flat: 10 000 rows × 1000 bins (40 MB of float32) through a small wasm heap", async () => {
    const module = await initH5();
    const [frames, bins] = [10_000, 1000];
    const p = join(tmp, "many.h5");
    const w = await createNxIntegrated(p, header(frames, bins, { sourceFiles: [] }), { dtype: "float32" });
    const row = new Float32Array(bins);
    for (let i = 0; i < frames; i++) {
      row.fill(i);
      w.writeRow(i, row);
    }
    w.finish();
    expect(module.HEAPU8.byteLength).toBeLessThan((frames * bins * 4) / 2);
    const f = await openH5(p);
    const I = new h5wasm.Dataset(f.file_id, "/entry/data/I");
    expect(I.shape).toEqual([frames, bins]);
    expect(
      Array.from(
        I.slice([
          [9999, 10000],
          [0, 3],
        ]) as Float32Array,
      ),
    ).toEqual([9999, 9999, 9999]);
    f.close();
  });
});
