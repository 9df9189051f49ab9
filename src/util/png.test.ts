import { inflateSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { Canvas, encodePng } from "./png.js";

describe("encodePng", () => {
  it("writes a valid PNG whose IDAT inflates back to the pixels", () => {
    const c = new Canvas(5, 3);
    c.line(0, 0, 4, 2, [255, 0, 0]);
    const png = c.png();
    expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    expect(png.readUInt32BE(16)).toBe(5);
    expect(png.readUInt32BE(20)).toBe(3);
    const idatLen = png.readUInt32BE(33);
    expect(png.subarray(37, 41).toString("ascii")).toBe("IDAT");
    const raw = inflateSync(png.subarray(41, 41 + idatLen));
    expect(raw.length).toBe(3 * (5 * 4 + 1));
    expect(Array.from(raw.subarray(1, 5))).toEqual([255, 0, 0, 255]); // (0,0) red
    expect(() => encodePng(2, 2, new Uint8Array(3))).toThrow(RangeError);
  });
});
