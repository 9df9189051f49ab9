/**
 * One entry point for every cycler file: the format is recognised from the content; a gzipped
 * file is unpacked first. A generic CSV needs a column mapping.
 */
import { readFile } from "node:fs/promises";
import { gunzipSync } from "node:zlib";
import { InputError } from "../util/errors.js";
import { parseArbin } from "./arbin.js";
import { isAccessDb, loadArbinRes, parseArbinRes } from "./arbin-res.js";
import { parseMpr } from "./biologic-mpr.js";
import { parseMpt } from "./biologic-mpt.js";
import { type GenericCsvMapping, parseGenericCsv } from "./generic-csv.js";
import { parseMaccor } from "./maccor.js";
import { parseNeware } from "./neware.js";
import { parseNda } from "./neware-nda.js";
import { parseNdax } from "./neware-ndax.js";
import { sniffCyclerFormat } from "./sniff.js";
import type { CyclerRecords } from "./types.js";

export interface ReadCyclerOptions {
  /** Read as a generic CSV with these columns. */
  columns?: GenericCsvMapping;
}

export async function readCyclerBytes(path: string): Promise<Uint8Array> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch {
    throw new InputError(path, "no such file or not readable");
  }
  if (bytes.length === 0) throw new InputError(path, "empty file");
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) {
    try {
      bytes = gunzipSync(bytes);
    } catch (err) {
      throw new InputError(path, `corrupt gzip stream (${(err as Error).message})`);
    }
  }
  return bytes;
}

export function parseCycler(bytes: Uint8Array, path: string, opts: ReadCyclerOptions = {}): CyclerRecords {
  if (opts.columns) return parseGenericCsv(bytes, path, opts.columns);
  switch (sniffCyclerFormat(bytes, path)) {
    case "biologic-mpt":
      return parseMpt(bytes, path);
    case "biologic-mpr":
      return parseMpr(bytes, path);
    case "neware-csv":
      return parseNeware(bytes, path);
    case "neware-nda":
      return parseNda(bytes, path);
    case "neware-ndax":
      return parseNdax(bytes, path);
    case "arbin-csv":
      return parseArbin(bytes, path);
    case "arbin-res":
      return parseArbinRes(bytes, path);
    case "maccor-txt":
      return parseMaccor(bytes, path);
    default:
      throw new InputError(
        path,
        "not a cycler file this program recognises (EC-Lab .mpt/.mpr, Neware .nda/.ndax/CSV, Arbin .res/CSV or Maccor export); " +
          "for another CSV give its columns (--columns time=…,voltage=…,current=…)",
      );
  }
}

export async function readCycler(path: string, opts: ReadCyclerOptions = {}): Promise<CyclerRecords> {
  const bytes = await readCyclerBytes(path);
  if (!opts.columns && isAccessDb(bytes)) await loadArbinRes();
  return parseCycler(bytes, path, opts);
}
