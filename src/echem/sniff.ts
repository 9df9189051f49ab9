/**
 * Which cycler wrote a file, judged by its content (never by its name): BioLogic EC-Lab text
 * (`.mpt`, first line "EC-Lab ASCII FILE") and binary (`.mpr`, "BIO-LOGIC MODULAR FILE" magic), Neware
 * `.nda` ("NEWARE" magic) and `.ndax` (a zip archive with .ndc members), Arbin `.res` (an Access
 * database: "Standard Jet DB" at byte 4), and the Neware, Arbin and Maccor table headers (see each
 * reader for the column spellings).
 */
import { isArbinHeader } from "./arbin.js";
import { isAccessDb } from "./arbin-res.js";
import { DELIMITERS, decodeText, splitFields, splitLines } from "./csv-text.js";
import { isMaccorHeader } from "./maccor.js";
import { isNewareHeader } from "./neware.js";
import { isNda } from "./neware-nda.js";
import { isNdax } from "./neware-ndax.js";

export type CyclerFormat =
  | "biologic-mpt"
  | "biologic-mpr"
  | "neware-csv"
  | "neware-nda"
  | "neware-ndax"
  | "arbin-csv"
  | "arbin-res"
  | "maccor-txt";

const MPR_MAGIC = "BIO-LOGIC MODULAR FILE";
/** How much of the file is looked at. */
const SNIFF_BYTES = 64 * 1024;
/** How many lines may come before a table's header. */
const SNIFF_LINES = 40;

function startsWithAscii(bytes: Uint8Array, magic: string): boolean {
  if (bytes.length < magic.length) return false;
  for (let i = 0; i < magic.length; i++) if (bytes[i] !== magic.charCodeAt(i)) return false;
  return true;
}

/**
 * The cycler format of a file from its first bytes, or null when none is recognised. Never throws.
 * `_file` is accepted for symmetry with the readers; the decision uses the content only.
 */
export function sniffCyclerFormat(bytes: Uint8Array | string, _file = ""): CyclerFormat | null {
  let head: string;
  if (typeof bytes === "string") {
    head = decodeText(bytes.slice(0, SNIFF_BYTES));
  } else {
    if (startsWithAscii(bytes, MPR_MAGIC)) return "biologic-mpr";
    if (isNda(bytes)) return "neware-nda";
    if (isNdax(bytes)) return "neware-ndax";
    // Any Access database is taken for an Arbin .res; its reader says so when the tables are not Arbin's.
    if (isAccessDb(bytes)) return "arbin-res";
    const slice = bytes.subarray(0, SNIFF_BYTES);
    // A cut in the middle of a UTF-8 sequence would force the Latin-1 fallback: harmless here.
    head = decodeText(slice);
  }
  if (head.startsWith(MPR_MAGIC)) return "biologic-mpr";
  if (/^\s*EC-Lab ASCII FILE/.test(head)) return "biologic-mpt";
  if (head.includes("\0")) return null;
  const lines = splitLines(head).slice(0, SNIFF_LINES);
  for (const line of lines) {
    if (line.trim() === "" || line.length > 20000) continue;
    for (const d of DELIMITERS) {
      if (!line.includes(d)) continue;
      const fields = splitFields(line, d);
      if (fields.length < 3) continue;
      if (isMaccorHeader(fields)) return "maccor-txt";
      if (isNewareHeader(fields)) return "neware-csv";
      if (isArbinHeader(fields)) return "arbin-csv";
    }
  }
  return null;
}
