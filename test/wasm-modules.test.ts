import { readFileSync } from "node:fs";
import { expect, it } from "vitest";
import { compile, generated, pathOf, WASM_MODULES } from "../scripts/build-wasm.js";

it.each(WASM_MODULES.map((m) => ({ ...m })))(
  "$file is its text compiled (else: npm run build:wasm)",
  async (m) => {
    const mod = WASM_MODULES.find((x) => x.file === m.file)!;
    expect(readFileSync(pathOf(mod), "utf8")).toBe(generated(mod, await compile(mod)));
  },
);
