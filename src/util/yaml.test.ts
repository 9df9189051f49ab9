import { describe, expect, it } from "vitest";
import { InputError } from "./errors.js";
import { readYaml, toYaml } from "./yaml.js";

describe("readYaml", () => {
  it("reads nested block maps, flow maps and lists, scalars and comments", () => {
    const text = [
      "# head comment",
      "scan: scan.csv   # trailing comment",
      "detectors:",
      "  waxs: {poni: waxs.poni, npt: 800, unit: q_nm^-1}",
      "  saxs:",
      "    poni: 'saxs #1.poni'",
      "    flip_ud: true",
      "    dark: null",
      "    empty:",
      'tz: "+01:00"',
      "bands: [{name: a, q: [18.3, 2e1]}, {name: b, q: [-0.5, .5]}]",
      "stack:",
      "- other",
      "- cathode",
      "peaks:",
      "  - name: Li2S",
      "    q: [1, 2]",
      "  - {name: In}",
      "long: [1, 2,",
      "   3]",
      "words: it's plain text",
    ].join("\n");
    expect(readYaml(text, "x.yaml").data).toEqual({
      scan: "scan.csv",
      detectors: {
        waxs: { poni: "waxs.poni", npt: 800, unit: "q_nm^-1" },
        saxs: { poni: "saxs #1.poni", flip_ud: true, dark: null, empty: null },
      },
      tz: "+01:00",
      bands: [
        { name: "a", q: [18.3, 20] },
        { name: "b", q: [-0.5, 0.5] },
      ],
      stack: ["other", "cathode"],
      peaks: [{ name: "Li2S", q: [1, 2] }, { name: "In" }],
      long: [1, 2, 3],
      words: "it's plain text",
    });
    expect(readYaml("").data).toEqual({});
    expect(readYaml("---\na: 1\n").data).toEqual({ a: 1 });
  });

  it("finds the line of a key path, or of its nearest parent", () => {
    const y = readYaml("a: 1\nb:\n  c: [1, 2]\n  d:\n    - {e: 3}\n    - {e: 4}\n", "c.yaml");
    expect(y.lineOf(["a"])).toBe(1);
    expect(y.lineOf(["b", "c"])).toBe(3);
    expect(y.lineOf(["b", "d", 1, "e"])).toBe(6);
    expect(y.lineOf(["b", "d", 7])).toBe(4);
    expect(y.lineOf(["nowhere"])).toBeUndefined();
  });

  it.each([
    ["a: 1\na: 2\n", "line 2: Map keys must be unique"],
    ["a: [1, 2\nb: 3\n", "line 2: Flow sequence in block collection"],
    ['a: "open\n', "line 2: Missing closing"],
    ["a:\n\tb: 1\n", "line 2: Tabs are not allowed"],
    ["a: 1\n---\nb: 2\n", "line 2: Source contains multiple documents"],
    ["a: 1\nb: !weird 2\n", "line 2: Unresolved tag: !weird"],
    ["a: 1\nb:\n  __proto__: {x: 1}\n", 'line 3: "__proto__" is not allowed as a key'],
  ])("refuses %j in one line with the line number", (text, msg) => {
    const run = () => readYaml(text, "c.yaml");
    expect(run).toThrow(InputError);
    expect(run).toThrow(`c.yaml: ${msg}`);
    try {
      run();
    } catch (e) {
      expect((e as Error).message).not.toContain("\n");
    }
  });
});

describe("toYaml", () => {
  it("writes what reads back the same, nested values in flow style, comments kept", () => {
    const data = {
      scan: "scan.csv",
      tz: "+01:00",
      flag: "true",
      detectors: { waxs: { poni: "w.poni", npt: 800 }, saxs: { poni: "s.poni", mask: null } },
      bands: [{ name: "a", q: [1.5, 2] }],
    };
    const text = toYaml(data, { scan: "the scan log", detectors: "two detectors" });
    expect(readYaml(text).data).toEqual(data);
    expect(text).toContain("scan: scan.csv # the scan log\n");
    expect(text).toContain("detectors: # two detectors\n  waxs: {poni: w.poni, npt: 800}\n");
    expect(text).toContain('flag: "true"');
  });
});
