import { describe, expect, it } from "vitest";
import { InputError } from "../util/errors.js";
import { parseYaml } from "./yaml-read.js";

describe("parseYaml", () => {
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
      "  -",
      "    - 1",
      "    - ~",
      "long: [1, 2,",
      "   3]",
      "words: it's plain text",
    ].join("\n");
    expect(parseYaml(text, "x.yaml")).toEqual({
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
      peaks: [{ name: "Li2S", q: [1, 2] }, { name: "In" }, [1, null]],
      long: [1, 2, 3],
      words: "it's plain text",
    });
  });

  it("reads quoted escapes, numeric keys and the core schema's scalars", () => {
    expect(
      parseYaml(
        "a: \"x\\ty\\u00b5\"\nb: 'it''s'\nc: {3: cathode, 10: anode}\nd: [TRUE, False, -1_000, .inf, 0x1F]",
      ),
    ).toEqual({
      a: "x\tyµ",
      b: "it's",
      c: { "3": "cathode", "10": "anode" },
      d: [true, false, -1000, Number.POSITIVE_INFINITY, 31],
    });
    expect(parseYaml("")).toEqual({});
    expect(parseYaml("---\na: 1\n")).toEqual({ a: 1 });
  });

  it.each([
    ["a: 1\n  b: 2\n", "line 2: unexpected indentation"],
    ["a: 1\na: 2\n", 'line 2: duplicate key "a"'],
    ["a: {b: 1, b: 2}\n", 'line 1: duplicate key "b"'],
    ["a: [1, 2\nb: 3\n", 'line 1: unclosed "["'],
    ["a: {b: 1\n", 'line 1: unclosed "{"'],
    ['a: "open\n', "line 1: unterminated double-quoted string"],
    ["a: |\n  text\n", "line 1: block scalars"],
    ["a: &x 1\n", "line 1: anchors"],
    ["a:\n\tb: 1\n", "line 2: tabs"],
    ["a: b: c\n", 'line 1: a nested "key: value"'],
    ["a: 1\njust text\n", 'line 2: expected "key: value"'],
    ["a: [1] x\n", 'line 1: unexpected text "x"'],
  ])("refuses %j with the line", (text, msg) => {
    expect(() => parseYaml(text, "c.yaml")).toThrow(InputError);
    expect(() => parseYaml(text, "c.yaml")).toThrow(`c.yaml: ${msg}`);
  });
});
