/**
 * Prints the built-in phases' structures (full unit cells) as JSON, the input that
 * scripts/design-golden.py hands to pymatgen: `node --import tsx scripts/design-structures.ts`.
 */
import { PHASES, structure } from "../src/physics/index.js";

const out = Object.fromEntries(PHASES.map((p) => [p, structure(p)]));
process.stdout.write(`${JSON.stringify(out)}\n`);
