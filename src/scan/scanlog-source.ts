/**
 * Where a scan log can be made from, and the one call that makes it: `swaxs scanlog` and
 * `swaxs run`'s `scan: {spec | bliss | headers: …}` both come here, so that every source is read
 * and checked the same way whichever asks.
 */
import { detectFormat } from "../formats/index.js";
import { InputError } from "../util/errors.js";
import { readBlissFile } from "./bliss.js";
import type { MadeScanLog } from "./log-writer.js";
import { type BlissScanLogOptions, blissScanLog } from "./scanlog-bliss.js";
import { type HeaderScanLogOptions, type HeaderSet, headerScanLog } from "./scanlog-headers.js";
import { type SpecScanLogOptions, specScanLog } from "./scanlog-spec.js";
import { readSpecFile } from "./spec.js";

export type ScanSource =
  | { kind: "spec"; file: string; options: SpecScanLogOptions }
  | { kind: "bliss"; file: string; options: BlissScanLogOptions }
  | { kind: "headers"; sets: HeaderSet[]; options: HeaderScanLogOptions };

export async function makeScanLog(source: ScanSource): Promise<MadeScanLog> {
  switch (source.kind) {
    case "spec": {
      const log = specScanLog(await readSpecFile(source.file), source.options);
      return { ...log, notes: [], datasets: {} };
    }
    case "bliss":
      return blissScanLog(await readBlissFile(source.file), source.options);
    case "headers":
      return headerScanLog(source.sets, source.options);
  }
}

/** What kind of source a file is, by its content: HDF5 → Bliss, a detector frame → headers, else SPEC text. */
export async function scanSourceKind(file: string): Promise<ScanSource["kind"]> {
  let format: string;
  try {
    format = await detectFormat(file);
  } catch (err) {
    // not a frame nor HDF5 (or not there): the SPEC reader says what is wrong with it
    if (err instanceof InputError) return "spec";
    throw err;
  }
  return format === "hdf5" ? "bliss" : "headers";
}
