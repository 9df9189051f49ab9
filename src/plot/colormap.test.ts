import { describe, expect, it } from "vitest";
import { COLORMAPS, colorAt, colormap, putColor } from "./index.js";

describe("colour maps", () => {
  it("viridis runs from dark purple to yellow and hits the published midpoint", () => {
    const v = colormap("viridis");
    expect(v.table.length).toBe(256 * 3);
    expect(colorAt(v, 0)).toBe("#440154");
    expect(colorAt(v, 1)).toBe("#fde725");
    // matplotlib viridis(0.5) = #21918c; the table interpolates between samples, so within 2/255
    const i = 128 * 3;
    expect(Math.abs(v.table[i]! - 0x21)).toBeLessThanOrEqual(2);
    expect(Math.abs(v.table[i + 1]! - 0x91)).toBeLessThanOrEqual(2);
    expect(Math.abs(v.table[i + 2]! - 0x8c)).toBeLessThanOrEqual(2);
  });

  it("is monotonic in lightness (sum of channels), as a sequential map must be", () => {
    for (const name of Object.keys(COLORMAPS)) {
      const t = colormap(name).table;
      const light = (k: number) => 0.3 * t[k * 3]! + 0.59 * t[k * 3 + 1]! + 0.11 * t[k * 3 + 2]!;
      const increasing = light(255) > light(0);
      for (let k = 1; k < 256; k++) {
        if (increasing) expect(light(k)).toBeGreaterThanOrEqual(light(k - 1) - 1e-9);
        else expect(light(k)).toBeLessThanOrEqual(light(k - 1) + 1e-9);
      }
    }
  });

  it("clamps out-of-range values and greys out NaN", () => {
    const v = colormap("viridis");
    const out = new Uint8Array(12);
    putColor(out, 0, v, -5, 0, 1);
    putColor(out, 4, v, 5, 0, 1);
    putColor(out, 8, v, Number.NaN, 0, 1);
    expect([...out.subarray(0, 4)]).toEqual([0x44, 0x01, 0x54, 255]);
    expect([...out.subarray(4, 8)]).toEqual([0xfd, 0xe7, 0x25, 255]);
    expect([...out.subarray(8, 12)]).toEqual([230, 230, 230, 255]);
    expect(() => colormap("nope")).toThrow(/unknown/);
  });
});
