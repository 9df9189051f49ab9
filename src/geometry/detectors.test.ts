import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { DEFAULT_INPUT, renderDetectorTable } from "../../scripts/gen-detector-table.js";
import { pythonWith, runPython, toolAvailable } from "../../test/support/tools.js";
import { InputError } from "../util/errors.js";
import { DETECTOR_TABLE } from "./detector-table.js";
import {
  closestDetectorNames,
  detectorForFrame,
  detectorMask,
  detectorNames,
  genericDetector,
  getDetector,
  withOrientation,
  withPixelSize,
} from "./detectors.js";

interface JsonEntry {
  cls: string;
  shape: [number, number];
  pixel1: number;
  pixel2: number;
  masked_pixels: number;
  aliases: string[];
}
const CATALOGUE = JSON.parse(readFileSync(DEFAULT_INPUT, "utf8")) as Record<string, JsonEntry>;

function count(mask: Uint8Array): number {
  let n = 0;
  for (let i = 0; i < mask.length; i++) n += mask[i]!;
  return n;
}

function thrown(fn: () => unknown): InputError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(InputError);
    return err as InputError;
  }
  throw new Error("expected an InputError");
}

describe("detector table", () => {
  it("is what scripts/gen-detector-table.ts generates from pyfai_detectors.json", () => {
    const committed = readFileSync(fileURLToPath(new URL("./detector-table.ts", import.meta.url)), "utf8");
    expect(renderDetectorTable(CATALOGUE as never)).toBe(committed);
  });

  it("holds every detector of the JSON with its shape and pixel size", () => {
    expect(detectorNames()).toEqual(Object.keys(CATALOGUE));
    expect(DETECTOR_TABLE.length).toBe(Object.keys(CATALOGUE).length);
    for (const e of Object.values(CATALOGUE)) {
      const d = getDetector(e.cls);
      expect(d.name).toBe(e.cls);
      expect(d.shape).toEqual(e.shape);
      expect([d.pixel1M, d.pixel2M]).toEqual([e.pixel1, e.pixel2]);
      expect(d.orientation).toBe(3);
    }
    for (const n of ["Pilatus100k", "Pilatus200k", "Pilatus300k", "Pilatus300kw", "Pilatus1M", "Pilatus2M"]) {
      expect(detectorNames()).toContain(n);
    }
    for (const n of [
      "Pilatus6M",
      "PilatusCdTe1M",
      "Eiger2_500k",
      "Eiger2_4M",
      "Eiger2CdTe_16M",
      "Eiger16M",
    ]) {
      expect(detectorNames()).toContain(n);
    }
  });
});

describe("getDetector", () => {
  it("accepts class names and aliases case-insensitively, ignoring spaces, underscores and dashes", () => {
    expect(getDetector("Pilatus1M").name).toBe("Pilatus1M");
    expect(getDetector("Pilatus 1M").name).toBe("Pilatus1M");
    expect(getDetector("pilatus1m").name).toBe("Pilatus1M");
    expect(getDetector("PILATUS_1M").name).toBe("Pilatus1M");
    expect(getDetector(" Pilatus-1M ").name).toBe("Pilatus1M");
    expect(getDetector("Eiger2_500k").name).toBe("Eiger2_500k");
    expect(getDetector("Eiger2 500k").name).toBe("Eiger2_500k");
    expect(getDetector("eiger2-1m-w").name).toBe("Eiger2_1MW");
    expect(getDetector("Pilatus 300kw").name).toBe("Pilatus300kw");
    expect(getDetector("Pilatus CdTe 1M").name).toBe("PilatusCdTe1M");
    expect(getDetector("Pilatus1M CdTe").name).toBe("PilatusCdTe1M");
    expect(getDetector("MAR345").name).toBe("Mar345");
    expect(getDetector("Perkin Elmer").name).toBe("Perkin");
    for (const e of Object.values(CATALOGUE)) {
      for (const a of e.aliases) expect(getDetector(a).name).toBe(e.cls);
    }
  });

  it("returns independent copies", () => {
    const a = getDetector("Pilatus1M");
    a.maskedRowRuns[0]![0] = 0;
    a.pixel1M = 1;
    expect(getDetector("Pilatus1M").maskedRowRuns[0]).toEqual([195, 211]);
    expect(getDetector("Pilatus1M").pixel1M).toBe(0.000172);
  });

  it("rejects unknown names with an InputError listing the closest names", () => {
    const err = thrown(() => getDetector("Pilatus 1K", "cal.poni"));
    expect(err.file).toBe("cal.poni");
    expect(err.message).toContain("Pilatus 1K");
    expect(err.message).toContain("Pilatus1M");
    expect(closestDetectorNames("eiger2 4m")[0]).toBe("Eiger2_4M");
    expect(closestDetectorNames("Pilatus")).toContain("Pilatus1M");
    expect(() => getDetector("Frelon")).toThrow(InputError);
    expect(() => getDetector("")).toThrow(InputError);
  });

  it("rejects the generic Detector, which needs pixel sizes", () => {
    expect(thrown(() => getDetector("Detector")).message).toContain("pixel sizes");
  });
});

describe("detectorMask", () => {
  it("gives pyFAI's Pilatus1M gap mask", () => {
    const det = getDetector("Pilatus1M");
    const mask = detectorMask(det);
    const [n1, n2] = [1043, 981];
    expect(mask.length).toBe(n1 * n2);
    expect(count(mask)).toBe(73_533);
    const rowMasked = (i: number) => mask.subarray(i * n2, (i + 1) * n2).every((v) => v === 1);
    const colMasked = (j: number) =>
      Array.from({ length: n1 }, (_, i) => mask[i * n2 + j]).every((v) => v === 1);
    const maskedRows = Array.from({ length: n1 }, (_, i) => i).filter(rowMasked);
    const maskedCols = Array.from({ length: n2 }, (_, j) => j).filter(colMasked);
    const range = (a: number, b: number) => Array.from({ length: b - a + 1 }, (_, k) => a + k);
    expect(maskedRows).toEqual([
      ...range(195, 211),
      ...range(407, 423),
      ...range(619, 635),
      ...range(831, 847),
    ]);
    expect(maskedCols).toEqual(range(487, 493));
    expect(mask[0]).toBe(0);
    expect(mask[194 * n2 + 486]).toBe(0);
    expect(mask[212 * n2 + 494]).toBe(0);
    expect(mask[1042 * n2 + 980]).toBe(0);
  });

  it("masks exactly pyFAI's masked_pixels count for every detector of the catalogue", () => {
    for (const e of Object.values(CATALOGUE)) {
      expect([e.cls, count(detectorMask(getDetector(e.cls)))]).toEqual([e.cls, e.masked_pixels]);
    }
  });

  it("is the same whatever the orientation (it labels coordinates, not the stored array)", () => {
    const det = getDetector("PilatusCdTe300k");
    const ref = detectorMask(det);
    for (const o of [0, 1, 2, 4]) {
      expect(Buffer.from(detectorMask(withOrientation(det, o))).equals(Buffer.from(ref))).toBe(true);
    }
  });

  it("takes the frame's shape for a generic detector and checks it for a catalogue one", () => {
    const gen = genericDetector(1e-4, 1e-4);
    expect(gen.shape).toBeNull();
    expect(gen.name).toBe("Detector");
    expect(detectorForFrame(gen, [10, 20]).shape).toEqual([10, 20]);
    expect(count(detectorMask(gen, [10, 20]))).toBe(0);
    expect(detectorMask(gen, [10, 20]).length).toBe(200);
    expect(thrown(() => detectorMask(gen)).message).toContain("shape");

    const p1m = getDetector("Pilatus1M");
    expect(detectorForFrame(p1m, [1043, 981])).toBe(p1m);
    const err = thrown(() => detectorForFrame(p1m, [981, 1043], "frame.cbf"));
    expect(err.file).toBe("frame.cbf");
    expect(err.message).toContain("Pilatus1M");
    expect(() => detectorMask(p1m, [195, 487])).toThrow(InputError);
    expect(count(detectorMask(p1m, [1043, 981]))).toBe(73_533);
    expect(() => detectorForFrame(gen, [0, 3])).toThrow(InputError);
  });
});

describe("genericDetector and withOrientation", () => {
  it("builds a generic detector and validates its input", () => {
    expect(genericDetector(7.5e-5, 1e-4, [512, 1024])).toEqual({
      name: "Detector",
      shape: [512, 1024],
      pixel1M: 7.5e-5,
      pixel2M: 1e-4,
      orientation: 3,
      maskedRowRuns: [],
      maskedColRuns: [],
    });
    expect(() => genericDetector(0, 1e-4)).toThrow(InputError);
    expect(() => genericDetector(Number.NaN, 1e-4)).toThrow(InputError);
    expect(() => genericDetector(1e-4, 1e-4, [1.5, 2])).toThrow(InputError);
  });

  it("sets pixel sizes on a copy; a binned detector then takes its shape from the frame", () => {
    const p1m = getDetector("Pilatus1M");
    const odd = withPixelSize(p1m, 1.75e-4, 1.72e-4);
    expect([odd.pixel1M, odd.pixel2M, odd.shape]).toEqual([1.75e-4, 1.72e-4, [1043, 981]]);
    expect(p1m.pixel1M).toBe(1.72e-4);
    const mar = getDetector("Mar345");
    expect(withPixelSize(mar, 1e-4, 1e-4).shape).toEqual([3450, 3450]);
    const binned = withPixelSize(mar, 1.5e-4, 1.5e-4);
    expect(binned.shape).toBeNull();
    expect(count(detectorMask(binned, [2300, 2300]))).toBeGreaterThan(0);
    expect(() => withPixelSize(p1m, -1, 1)).toThrow(InputError);
  });

  it("sets an orientation on a copy", () => {
    const det = getDetector("Pilatus1M");
    const flipped = withOrientation(det, 1);
    expect(flipped.orientation).toBe(1);
    expect(det.orientation).toBe(3);
    expect(() => withOrientation(det, 5)).toThrow(InputError);
    expect(() => withOrientation(det, 1.5)).toThrow(InputError);
  });
});

const PY = pythonWith(["pyFAI"]);
describe.skipIf(!toolAvailable("pyFAI (python3-pyfai)", PY !== null))("cross-check with pyFAI", () => {
  it("resolves every registry name of pyFAI to the same class (or rejects it when not in the catalogue)", () => {
    const registry = JSON.parse(
      runPython(
        PY!,
        `
import json, logging
logging.disable(logging.CRITICAL)
from pyFAI.detectors import Detector
print(json.dumps({k: c.__name__ for k, c in Detector.registry.items()}))
`,
      ),
    ) as Record<string, string>;
    const known = new Set(detectorNames());
    let checked = 0;
    for (const [key, cls] of Object.entries(registry)) {
      if (known.has(cls)) {
        expect([key, getDetector(key).name]).toEqual([key, cls]);
        checked++;
      } else {
        expect(() => getDetector(key), key).toThrow(InputError);
      }
    }
    expect(checked).toBeGreaterThan(150);
  });

  it("gives masks identical to pyFAI's calc_mask", () => {
    const names = [
      "Pilatus1M",
      "PilatusCdTe1M",
      "Pilatus300kw",
      "PilatusCdTe900kw",
      "Eiger2CdTe_500k",
      "Eiger4M",
      "ImXPadS10",
      "ImXPadS70V",
      "Xpad_flat",
      "Maxipix5x1",
      "Lambda750k",
      "Rayonix133",
      "Mar345",
      "Pilatus100k",
    ];
    const hashes = JSON.parse(
      runPython(
        PY!,
        `
import sys, json, hashlib, logging, numpy
logging.disable(logging.CRITICAL)
import pyFAI.detectors as D
out = {}
for name in sys.argv[1:]:
    det = getattr(D, name)()
    m = det.calc_mask()
    if m is None:
        m = numpy.zeros(det.max_shape, dtype=numpy.uint8)
    out[name] = hashlib.sha256((numpy.asarray(m) != 0).astype(numpy.uint8).tobytes()).hexdigest()
print(json.dumps(out))
`,
        names,
      ),
    ) as Record<string, string>;
    for (const name of names) {
      const ours = createHash("sha256")
        .update(detectorMask(getDetector(name)))
        .digest("hex");
      expect([name, ours]).toEqual([name, hashes[name]]);
    }
  });

  it("scales the circular mask of a binned detector with the frame, as pyFAI does", () => {
    const cases: [string, number, [number, number]][] = [
      ["Rayonix133", 128e-6, [1024, 1024]],
      ["Mar345", 150e-6, [2300, 2300]],
      ["RayonixSx165", 79e-6, [2048, 2048]],
    ];
    const py = JSON.parse(
      runPython(
        PY!,
        `
import sys, json, hashlib, logging, numpy
logging.disable(logging.CRITICAL)
import pyFAI.detectors as D
out = []
for name, pixel in json.loads(sys.argv[1]):
    det = getattr(D, name)(pixel1=pixel, pixel2=pixel)
    m = (numpy.asarray(det.calc_mask()) != 0).astype(numpy.uint8)
    out.append([list(det.shape), hashlib.sha256(m.tobytes()).hexdigest()])
print(json.dumps(out))
`,
        [JSON.stringify(cases.map(([n, p]) => [n, p]))],
      ),
    ) as [[number, number], string][];
    cases.forEach(([name, pixel, shape], i) => {
      const det = withPixelSize(getDetector(name), pixel, pixel);
      expect(py[i]![0]).toEqual(shape);
      expect(createHash("sha256").update(detectorMask(det, shape)).digest("hex")).toBe(py[i]![1]);
    });
  });
});
