/**
 * Writes the results-schema table of docs/architecture.md from src/results/schema.ts (between the
 * `<!-- schema -->` markers). `npm test` checks that the document matches the code.
 *   node --import tsx scripts/docs-architecture.ts
 */
import { readFileSync, writeFileSync } from "node:fs";
import { schemaMarkdown } from "../src/results/index.js";

const file = new URL("../docs/architecture.md", import.meta.url);
const text = readFileSync(file, "utf8");
const re = /(<!-- schema -->\n)[\s\S]*?(<!-- \/schema -->)/;
if (!re.test(text)) throw new Error("docs/architecture.md has no <!-- schema --> … <!-- /schema --> block");
writeFileSync(file, text.replace(re, `$1${schemaMarkdown()}$2`));
