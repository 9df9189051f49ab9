/** The one version source: package.json, read once (from src/ under tsx and from dist/ alike). */
import { readFileSync } from "node:fs";

export const PROGRAM = "operando-swaxs";

export const VERSION: string = (
  JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string }
).version;
