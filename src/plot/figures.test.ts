import { inflateSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { findAll, parseXml } from "../../test/support/xml.js";
import { encodePng } from "../util/png.js";
import { gridMap, heatmap, lineLayout, linePlot, pathData, voltageCapacity, waterfall } from "./index.js";

const pngUri = (rgba: Uint8Array, w: number, h: number) =>
  `data:image/png;base64,${encodePng(w, h, rgba).toString("base64")}`;

const q = Float64Array.from({ length: 200 }, (_, i) => 0.5 + i * 0.1);
const curve = (t: number) => Float32Array.from(q, (x) => Math.exp(-((x - 10 - t) ** 2)) + 0.1);

describe("line plots", () => {
  it("writes well-formed SVG with axes, legend, ticks and cursor", () => {
    const svg = linePlot({
      width: 500,
      height: 300,
      title: "A & B <test>",
      xLabel: "q (1/nm)",
      yLabel: "I",
      series: [
        { x: q, y: curve(0), label: "first" },
        { x: q, y: curve(1), label: "second", color: "#e8731a", markers: true },
      ],
      ticks: [{ label: "Li2S", color: "#c9262b", x: [10.5, 12.1, 50] }],
      cursor: { x: 10, y: 1, label: "now" },
    });
    const root = parseXml(svg);
    expect(root.name).toBe("svg");
    expect(root.attrs.width).toBe("500");
    expect(svg).toContain("A &amp; B &lt;test&gt;");
    const texts = findAll(root, "text").map((t) => t.text);
    expect(texts).toContain("q (1/nm)");
    expect(texts).toContain("second");
    expect(texts).toContain("Li2S");
    // the reflection at q = 50 is outside the axis and is not drawn: two marks only
    const marks = findAll(root, "path").filter((p) => p.attrs.class === "reflections");
    expect(marks).toHaveLength(1);
    expect(marks[0]!.attrs.d!.match(/M/g)).toHaveLength(2);
    expect(findAll(root, "g").some((g) => g.attrs.class === "cursor")).toBe(true);
  });

  it("keeps every path inside the plot on log axes and breaks at non-positive values", () => {
    const y = Float32Array.from(q, (x) => (x > 5 && x < 6 ? -1 : 1 / x));
    const svg = linePlot({ width: 400, height: 250, series: [{ x: q, y }], xScale: "log", yScale: "log" });
    const d = findAll(parseXml(svg), "path")[0]!.attrs.d!;
    expect(d.match(/M/g)!.length).toBe(2);
    expect(d).not.toMatch(/NaN|Infinity/);
  });

  it("reduces a dense curve to at most four vertices per pixel column", () => {
    const n = 100_000;
    const x = Float64Array.from({ length: n }, (_, i) => i);
    const y = Float64Array.from({ length: n }, (_, i) => Math.sin(i / 50) + (i % 7) / 10);
    const d = pathData(
      x,
      y,
      (v) => (v / n) * 300,
      (v) => 100 - v * 20,
    );
    const vertices = d.match(/[ML]/g)!.length;
    expect(vertices).toBeLessThanOrEqual(4 * 301);
    expect(vertices).toBeGreaterThan(300);
  });
});

describe("waterfall, heatmap, map, voltage", () => {
  it("colours waterfall curves by time and adds a colour bar and highlight", () => {
    const curves = [0, 1, 2, 3].map(curve);
    const svg = waterfall({
      width: 500,
      height: 350,
      x: q,
      curves,
      times: [0, 1, 2, 3],
      timeLabel: "time (h)",
      highlight: 2,
    });
    const root = parseXml(svg);
    const strokes = findAll(root, "path").map((p) => p.attrs.stroke);
    expect(strokes).toContain("#440154"); // first curve: start of viridis
    expect(strokes).toContain("#fde725"); // last curve: end of viridis
    expect(strokes).toContain("#c9262b"); // highlighted
    expect(findAll(root, "g").some((g) => g.attrs.class === "colorbar")).toBe(true);
    expect(findAll(root, "text").map((t) => t.text)).toContain("time (h)");
  });

  it("embeds the heatmap image as a PNG at screen resolution", () => {
    const nx = 300;
    const times = [0, 1, 2, 5, 6];
    const values = new Float32Array(nx * times.length).map((_, i) => i % nx);
    let size: [number, number] = [0, 0];
    const svg = heatmap({
      width: 600,
      height: 300,
      x: Float64Array.from({ length: nx }, (_, i) => i),
      y: times,
      values,
      encodePng: (rgba, w, h) => {
        size = [w, h];
        return pngUri(rgba, w, h);
      },
      left: { x: [3, 2.9, 2.5, 2.4, 2.6], y: times, label: "Ewe (V)" },
      right: { x: [1, 2, 3, 4, 5], y: times, label: "band", markers: true },
      ticks: [{ label: "In", color: "#7d55b5", x: [100, 200] }],
      cursorY: 2,
    });
    const root = parseXml(svg);
    const img = findAll(root, "image")[0]!;
    expect(Number(img.attrs.width)).toBeCloseTo(size[0], 0);
    expect(size[1]).toBeGreaterThan(100);
    const b64 = img.attrs.href!.replace("data:image/png;base64,", "");
    const png = Buffer.from(b64, "base64");
    expect(png.subarray(1, 4).toString()).toBe("PNG");
    expect(inflateSync(png.subarray(41, png.length - 12)).length).toBeGreaterThan(0);
    expect(findAll(root, "g").filter((g) => g.attrs.class === "side")).toHaveLength(2);
  });

  it("draws one cell per scan point with data-row/col, outlines and a selection", () => {
    const rows = 6;
    const cols = 2;
    const regions = ["other", "cathode", "cathode", "separator", "anode", "other"].flatMap((r) => [r, r]);
    const values = Float32Array.from({ length: rows * cols }, (_, i) => (i === 3 ? Number.NaN : i));
    const svg = gridMap({
      width: 400,
      height: 400,
      rows,
      cols,
      xMm: [-0.5, 0.5],
      yMm: [0, 0.1, 0.2, 0.3, 0.4, 0.5],
      values,
      regions,
      selected: { row: 2, col: 1 },
      colorBarLabel: "Li2S band",
    });
    const root = parseXml(svg);
    const cells = findAll(root, "rect").filter((r) => r.attrs.class === "cell");
    expect(cells).toHaveLength(12);
    expect(cells.find((c) => c.attrs["data-row"] === "1" && c.attrs["data-col"] === "1")!.attrs.fill).toBe(
      "#e6e6e6",
    );
    expect(cells.find((c) => c.attrs["data-row"] === "0" && c.attrs["data-col"] === "0")!.attrs.fill).toBe(
      "#440154",
    );
    const outline = findAll(root, "path").find((p) => p.attrs.class === "outlines")!;
    expect(outline.attrs.d!.match(/M/g)).toHaveLength(4 * cols); // four region changes along y
    expect(findAll(root, "rect").some((r) => r.attrs.class === "selected")).toBe(true);
    expect(findAll(root, "text").map((t) => t.text)).toContain("separator");
  });

  it("splits voltage curves by half-cycle and colours discharge and charge", () => {
    const n = 30;
    const svg = voltageCapacity({
      width: 300,
      height: 250,
      capacity: Float32Array.from({ length: n }, (_, i) => i % 10),
      voltage: Float32Array.from({ length: n }, (_, i) => 2 - (i % 10) * 0.05),
      current: Float32Array.from({ length: n }, (_, i) => (i < 10 ? 0 : i < 20 ? -1 : 1)),
      halfCycle: Float32Array.from({ length: n }, (_, i) => (i < 10 ? -1 : i < 20 ? 0 : 1)),
      cursor: { x: 3, y: 1.85 },
    });
    const root = parseXml(svg);
    const strokes = findAll(root, "path").map((p) => p.attrs.stroke);
    expect(strokes.filter((s) => s === "#1f6fb4")).toHaveLength(1);
    expect(strokes.filter((s) => s === "#e8731a")).toHaveLength(1);
    expect(findAll(root, "text").map((t) => t.text)).toEqual(expect.arrayContaining(["discharge", "charge"]));
  });
});

describe("figures a reader can trust", () => {
  it("labels every column of a narrow map, and positions with the decimals they need", () => {
    const svg = gridMap({
      width: 300,
      height: 300,
      rows: 3,
      cols: 2,
      xMm: [-0.5, 0.5],
      yMm: [-0.12000000000000009, 0.01, 0.14],
      values: [1, 2, 3, 4, 5, 6],
      title: "S, 0 % SOD",
      subtitle: "q 0.2–1 nm⁻¹; not normalised",
    });
    const texts = findAll(parseXml(svg), "text").map((t) => t.text);
    expect(texts).toEqual(
      expect.arrayContaining(["-0.5", "0.5", "-0.12", "0.01", "0.14", "x (mm)", "y (mm)"]),
    );
    expect(texts).toContain("q 0.2–1 nm⁻¹; not normalised");
  });

  it("draws arrows on the colour bar where values lie beyond the range given", () => {
    const spec = { width: 300, height: 300, rows: 1, cols: 3, xMm: [0, 1, 2], yMm: [0] };
    const inside = gridMap({ ...spec, values: [1, 2, 3], domain: [0, 5] });
    const beyond = gridMap({ ...spec, values: [1, 2, 9], domain: [0, 5] });
    const arrows = (svg: string) => findAll(parseXml(svg), "path").filter((p) => p.attrs.class === "extend");
    expect(arrows(inside)).toHaveLength(0);
    expect(arrows(beyond)).toHaveLength(1);
  });

  const legendBox = (svg: string) => {
    const g = findAll(parseXml(svg), "g").find((x) => x.attrs.class === "legend")!;
    const r = findAll(g, "rect")[0];
    return r ? { x: Number(r.attrs.x), y: Number(r.attrs.y) } : null;
  };

  it("puts the legend in a corner the data leave empty", () => {
    // a curve rising into the top-right corner: the legend goes top left
    const x = Float64Array.from({ length: 50 }, (_, i) => i);
    const svg = linePlot({
      width: 400,
      height: 300,
      series: [
        { x, y: Float64Array.from(x, (v) => v * v), label: "rising" },
        { x, y: Float64Array.from(x, (v) => v * v * 0.9), label: "below it" },
      ],
    });
    const { box } = lineLayout({ width: 400, height: 300, series: [] });
    expect(legendBox(svg)!.x).toBeLessThan(box.left + 20);
  });

  it("puts the legend above the plot when no corner is empty, and keeps error bars inside the axes", () => {
    const x = Float64Array.from({ length: 41 }, (_, i) => i);
    // a zigzag whose error bars reach into every corner
    const y = Float64Array.from(x, (v) => (v % 2 ? 10 : 0));
    const yErr = Float64Array.from(x, () => 6);
    const spec = { width: 400, height: 300, series: [{ x, y, yErr, label: "zigzag", markers: true }] };
    const svg = linePlot(spec);
    expect(legendBox(svg)).toBeNull();
    const { box, ys, xs } = lineLayout(spec);
    const label = findAll(parseXml(svg), "text").find((t) => t.text === "zigzag")!;
    expect(Number(label.attrs.y)).toBeLessThan(box.top);
    // the error bar's ends and the last point lie inside the plot area, not on or beyond its frame
    expect(ys.map(-6)).toBeLessThan(box.top + box.height);
    expect(ys.map(16)).toBeGreaterThan(box.top);
    expect(xs.map(40)).toBeLessThan(box.left + box.width - 2);
  });
});
