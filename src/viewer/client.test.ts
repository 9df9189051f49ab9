import { describe, expect, it } from "vitest";
import { groupByPixel, mapAt, nearest } from "./app/interp.js";
import { decodeColumns, encodeColumns } from "./app/wire.js";

describe("wire format", () => {
  it("round-trips typed columns and metadata, each column aligned for a zero-copy view", () => {
    const cols = {
      time: Float64Array.of(1.7e9, 1.7e9 + 0.5),
      I: Float32Array.of(1, 2, 3),
      pixel: Int32Array.of(-1, 7, 9, 11, 13),
    };
    const b = encodeColumns(cols, { det: "waxs", n: 2 });
    const d = decodeColumns(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer);
    expect(d.meta).toEqual({ det: "waxs", n: 2 });
    expect(d.columns.time).toEqual(cols.time);
    expect(d.columns.I).toEqual(cols.I);
    expect(d.columns.pixel).toEqual(cols.pixel);
    for (const c of Object.values(d.columns)) expect(c.byteOffset % 8).toBe(0);
  });
});

describe("map interpolation", () => {
  it("interpolates each scan point between its own visits and holds outside them", () => {
    // pixel 0 visited at t = 0, 10 (values 1, 3); pixel 1 at t = 5 (value 7); pixel 2 never
    const g = groupByPixel([10, 5, 0], [0, 1, 0], [3, 7, 1], 3);
    expect(Array.from(mapAt(g, 2.5))).toEqual([1.5, 7, Number.NaN]);
    expect(Array.from(mapAt(g, -1)).slice(0, 2)).toEqual([1, 7]);
    expect(Array.from(mapAt(g, 99)).slice(0, 2)).toEqual([3, 7]);
  });

  it("skips NaN values and finds the nearest time", () => {
    const g = groupByPixel([0, 1, 2], [0, 0, 0], [1, Number.NaN, 3], 1);
    expect(mapAt(g, 1)[0]).toBe(2);
    expect(nearest([0, 1, 5], 3.2)).toBe(2);
    expect(nearest([0, 1, 5], 2.9)).toBe(1);
  });
});
