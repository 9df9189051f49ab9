import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { CONFIG_SCHEMA, parseConfig } from "./config.js";
import { configDoc } from "./config-doc.js";

describe("docs/config.md", () => {
  const doc = readFileSync(new URL("../../docs/config.md", import.meta.url), "utf8");

  it("is what the schema renders (npm run docs:config writes it)", () => {
    expect(doc).toBe(configDoc());
  });

  it("has a row for every top-level key, each described", () => {
    for (const key of Object.keys(CONFIG_SCHEMA.shape)) {
      const row = doc.split("\n").find((l) => l.startsWith(`| \`${key}\` |`));
      expect(row, key).toBeDefined();
      // the "what" column (6th) is not empty
      expect(row!.split(" | ")[5]!.trim(), key).not.toBe("");
    }
  });

  it("states the defaults build() applies", () => {
    const c = parseConfig(
      "scan: s.csv\ndetectors: {waxs: {poni: w.poni}}\nechem: {file: c.mpt}\n",
      "/x/e.yaml",
    );
    const d = c.detectors.waxs!;
    const stated = (key: string) => {
      const row = doc.split("\n").find((l) => l.startsWith(`| \`${key}\` |`))!;
      return JSON.parse(row.split(" | ")[3]!.replaceAll("`", ""));
    };
    expect(stated("detectors.<name>.npt")).toBe(d.npt);
    expect(stated("detectors.<name>.unit")).toBe(d.unit);
    expect(stated("detectors.<name>.method")).toBe(d.method);
    expect(stated("detectors.<name>.flip_ud")).toBe(d.flipUd);
    expect(stated("detectors.<name>.monitor")).toBe(d.monitor);
    expect(stated("normalize")).toBe(c.normalize.waxs!.kind);
    expect(`/x/${stated("out")}`).toBe(c.out);
  });
});
