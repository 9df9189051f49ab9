/** `npm run docs:config`: writes docs/config.md from the config's schema (src/pipeline/config-doc.ts). */
import { writeFileSync } from "node:fs";
import { configDoc } from "../src/pipeline/config-doc.js";

writeFileSync(new URL("../docs/config.md", import.meta.url), configDoc());
