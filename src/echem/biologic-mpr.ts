/**
 * BioLogic EC-Lab binary files (.mpr, "BIO-LOGIC MODULAR FILE").
 *
 * Layout (little-endian throughout), as worked out on real files from EC-Lab 10.40 … 11.62 and
 * checked record by record against the .mpt exports EC-Lab made of the same files:
 *
 *   0x00  "BIO-LOGIC MODULAR FILE\x1a", spaces, 4 zero bytes           (52 bytes)
 *   0x34  modules, back to back, to the end of the file. Each module:
 *         "MODULE", short name (10 bytes, space-padded: "VMP Set", "VMP data", "VMP LOG",
 *         "VMP loop", "VMP ExtDev"), long name (25 bytes), then either
 *           length u32, version u32, date (8 ASCII bytes, "MM/DD/YY", "MM-DD-YY" or "MM.DD.YY")
 *         or, from EC-Lab 11.50 on (recognised by 0xFFFFFFFF where the length would be),
 *           0xFFFFFFFF u32, length u32, version u32, a second version u32 (10; 11 for data), date,
 *         then `length` bytes of module data.
 *
 * "VMP data" module data:
 *   version 2 and 3 (old header): n_records u32, n_columns u8, column ids u16 × n_columns
 *     (room for 200), records from offset 0x195 (version 2) or 0x196 (version 3, one more byte,
 *     0x01, before them);
 *   version 0 with the 11.50 header: n_records u32, n_columns u16, column ids u16 × n_columns
 *     (room for 500), a 0x01 byte at 0x3EE, records from 0x3EF;
 *   version 0 with the old header (EC-Lab before 10.40, as galvani's BioLogic.py describes it; no
 *     public file of it was found, so it is tested on a real version-3 file rewritten into this
 *     layout): n_records u32, n_columns u8, column ids u8 × n_columns, records from 100.
 *   A record is the columns in id order, each with the type its id implies (table below); the ids
 *   1, 2, 3, 21, 31, 65 are bit fields of one shared "flags" byte, placed where the first of them
 *   is listed: mode = bits 0–1 (1 CC, 2 CV, 3 rest), ox/red = bit 2, error = bit 3,
 *   control changes = bit 4, Ns changes = bit 5, counter inc. = bit 7.
 *   The module length must equal the records' offset + n_records × record size exactly; any other
 *   length means the column table is not understood, and the file is refused rather than read
 *   with shifted columns.
 *
 * "VMP LOG" module data: acquisition start as an OLE automation date (f8, days since
 *   1899-12-30, local wall-clock time) at 0x249; Pascal strings (length byte + text) for the
 *   saved file name (0x251), host (0x351), device address (0x384), EC-Lab version (0x3B7),
 *   server firmware (0x3BE), interpreter firmware (0x3C5), device serial number (0x3CF). Same
 *   offsets in all the 10.40 … 11.62 files seen. Older EC-Lab versions put the date at 465, 469
 *   or 473 instead (galvani tries these; no such public file was found): where 0x249 holds no
 *   plausible date, the first of those that does and falls on the settings module's date is taken.
 *
 * "VMP Set" module data: technique code at 0x00; comments (Pascal string, 0x07), mass of active
 *   material in mg (f4, 0x107), electrode material (0x11E), reference electrode (0x215).
 *
 * "VMP loop": n u32, then n record indices u32 where loops start.
 *
 * Sources: the file structure as described in the documentation of yadg's EC-Lab extractor and
 * galvani's reader (both GPL-3.0, read to learn the format, no code taken from either); every
 * id, type, offset and version case here was then verified on real files (see biologic.test.ts
 * and test/fixtures/README.md). Column ids neither seen in a real file nor documented in galvani's
 * table (DOCUMENTED_COLUMNS) are not guessed: they make the file an InputError that suggests the
 * .mpt export.
 */

import { InputError } from "../util/errors.js";
import { type EcLabTable, ecLabRecords, readEcLabFile } from "./biologic-mpt.js";
import type { CyclerRecords } from "./types.js";

const MAGIC = "BIO-LOGIC MODULAR FILE\x1a";
const FIRST_MODULE = 0x34;
const MODULE = "MODULE";

type ColumnType = "u8" | "u16" | "u32" | "f32" | "f64";
const SIZE: Record<ColumnType, number> = { u8: 1, u16: 2, u32: 4, f32: 4, f64: 8 };

/** Bit fields of the shared flags byte: id → [name, mask]. */
const FLAG_COLUMNS: ReadonlyMap<number, readonly [string, number]> = new Map([
  [1, ["mode", 0x03]],
  [2, ["ox/red", 0x04]],
  [3, ["error", 0x08]],
  [21, ["control changes", 0x10]],
  [31, ["Ns changes", 0x20]],
  [65, ["counter inc.", 0x80]],
]);

/**
 * Data column ids → the name EC-Lab gives the column in an .mpt export, and the stored type.
 * Every entry was seen in a real .mpr and matched value by value to its .mpt export (or, for
 * 880, fixed by the module length); names follow the .mpt header of the same file.
 */
const DATA_COLUMNS: ReadonlyMap<number, readonly [string, ColumnType]> = new Map([
  [4, ["time/s", "f64"]],
  [5, ["control/V/mA", "f32"]],
  [6, ["Ewe/V", "f32"]], // "Ecell/V" in Battery Capacity Determination files
  [7, ["dq/mA.h", "f64"]],
  [8, ["I/mA", "f32"]],
  [9, ["Ece/V", "f32"]],
  [11, ["<I>/mA", "f64"]],
  [13, ["(Q-Qo)/mA.h", "f64"]],
  [16, ["Analog IN 1/V", "f32"]],
  [17, ["Analog IN 2/V", "f32"]],
  [19, ["control/V", "f32"]],
  [20, ["control/mA", "f32"]],
  [23, ["dQ/mA.h", "f64"]],
  [24, ["cycle number", "f64"]],
  [32, ["freq/Hz", "f32"]],
  [33, ["|Ewe|/V", "f32"]],
  [34, ["|I|/A", "f32"]],
  [35, ["Phase(Z)/deg", "f32"]],
  [36, ["|Z|/Ohm", "f32"]],
  [37, ["Re(Z)/Ohm", "f32"]],
  [38, ["-Im(Z)/Ohm", "f32"]],
  [39, ["I Range", "u16"]],
  [70, ["P/W", "f32"]], // "Pwe/W" in Modulo Bat exports
  [74, ["|Energy|/W.h", "f64"]],
  [76, ["<I>/mA", "f32"]],
  [77, ["<Ewe>/V", "f32"]],
  [96, ["|Ece|/V", "f32"]],
  [98, ["Phase(Zce)/deg", "f32"]],
  [99, ["|Zce|/Ohm", "f32"]],
  [100, ["Re(Zce)/Ohm", "f32"]],
  [101, ["-Im(Zce)/Ohm", "f32"]],
  [123, ["Energy charge/W.h", "f64"]],
  [124, ["Energy discharge/W.h", "f64"]],
  [125, ["Capacitance charge/µF", "f64"]],
  [126, ["Capacitance discharge/µF", "f64"]],
  [131, ["Ns", "u16"]],
  [168, ["Rcmp/Ohm", "f32"]],
  [169, ["Cs/µF", "f32"]],
  [172, ["Cp/µF", "f32"]],
  [174, ["<Ewe>/V", "f32"]], // "<Ewe/V>" in some exports
  [430, ["Phase(Zwe-ce)/deg", "f32"]],
  [431, ["|Zwe-ce|/Ohm", "f32"]],
  [432, ["Re(Zwe-ce)/Ohm", "f32"]],
  [433, ["-Im(Zwe-ce)/Ohm", "f32"]],
  [434, ["(Q-Qo)/C", "f32"]],
  [435, ["dQ/C", "f32"]],
  [438, ["step time/s", "f64"]],
  [441, ["<Ece>/V", "f32"]],
  [467, ["Q charge/discharge/mA.h", "f64"]],
  [468, ["half cycle", "u32"]],
  [469, ["z cycle", "u32"]],
  [471, ["<Ece>/V", "f32"]],
  [473, ["THD Ewe/%", "f32"]],
  [474, ["THD I/%", "f32"]],
  [476, ["NSD Ewe/%", "f32"]],
  [477, ["NSD I/%", "f32"]],
  [479, ["NSR Ewe/%", "f32"]],
  [480, ["NSR I/%", "f32"]],
  [486, ["|Ewe h2|/V", "f32"]],
  [487, ["|Ewe h3|/V", "f32"]],
  [488, ["|Ewe h4|/V", "f32"]],
  [489, ["|Ewe h5|/V", "f32"]],
  [490, ["|Ewe h6|/V", "f32"]],
  [491, ["|Ewe h7|/V", "f32"]],
  [492, ["|I h2|/A", "f32"]],
  [493, ["|I h3|/A", "f32"]],
  [494, ["|I h4|/A", "f32"]],
  [495, ["|I h5|/A", "f32"]],
  [496, ["|I h6|/A", "f32"]],
  [497, ["|I h7|/A", "f32"]],
  [880, ["Energy we/W.h", "f64"]],
]);

/**
 * Column ids documented in galvani's `VMPdata_colID_dtype_map` (echemdata/galvani, BioLogic.py;
 * GPL-3.0: the table's facts only) that no file here has shown. Read like the others: a wrong type
 * would break the exact module-length check, so such a file is still refused rather than misread.
 */
const DOCUMENTED_COLUMNS: ReadonlyArray<readonly [number, readonly [string, ColumnType]]> = [
  [26, ["Rapp/Ohm", "f32"]],
  [27, ["Ewe-Ece/V", "f32"]],
  [69, ["R/Ohm", "f32"]],
  [75, ["Analog OUT/V", "f32"]],
  [78, ["Cs-2/µF-2", "f32"]],
  [163, ["|Estack|/V", "f32"]],
  [173, ["Cp-2/µF-2", "f32"]],
  [178, ["(Q-Qo)/C", "f32"]],
  [179, ["dQ/C", "f32"]],
  [211, ["Q charge/discharge/mA.h", "f64"]],
  [212, ["half cycle", "u32"]],
  [213, ["z cycle", "u32"]],
  [217, ["THD Ewe/%", "f32"]],
  [218, ["THD I/%", "f32"]],
  [220, ["NSD Ewe/%", "f32"]],
  [221, ["NSD I/%", "f32"]],
  [223, ["NSR Ewe/%", "f32"]],
  [224, ["NSR I/%", "f32"]],
  [230, ["|Ewe h2|/V", "f32"]],
  [231, ["|Ewe h3|/V", "f32"]],
  [232, ["|Ewe h4|/V", "f32"]],
  [233, ["|Ewe h5|/V", "f32"]],
  [234, ["|Ewe h6|/V", "f32"]],
  [235, ["|Ewe h7|/V", "f32"]],
  [236, ["|I h2|/A", "f32"]],
  [237, ["|I h3|/A", "f32"]],
  [238, ["|I h4|/A", "f32"]],
  [239, ["|I h5|/A", "f32"]],
  [240, ["|I h6|/A", "f32"]],
  [241, ["|I h7|/A", "f32"]],
  [242, ["|E2|/V", "f32"]],
  [271, ["Phase(Z1)/deg", "f32"]],
  [272, ["Phase(Z2)/deg", "f32"]],
  [301, ["|Z1|/Ohm", "f32"]],
  [302, ["|Z2|/Ohm", "f32"]],
  [331, ["Re(Z1)/Ohm", "f32"]],
  [332, ["Re(Z2)/Ohm", "f32"]],
  [361, ["-Im(Z1)/Ohm", "f32"]],
  [362, ["-Im(Z2)/Ohm", "f32"]],
  [391, ["<E1>/V", "f32"]],
  [392, ["<E2>/V", "f32"]],
  [422, ["Phase(Zstack)/deg", "f32"]],
  [423, ["|Zstack|/Ohm", "f32"]],
  [424, ["Re(Zstack)/Ohm", "f32"]],
  [425, ["-Im(Zstack)/Ohm", "f32"]],
  [426, ["<Estack>/V", "f32"]],
  [462, ["Temperature/°C", "f32"]],
  [498, ["Q charge/mA.h", "f64"]],
  [499, ["Q discharge/mA.h", "f64"]],
  [500, ["step time/s", "f64"]],
  [501, ["Efficiency/%", "f64"]],
  [502, ["Capacity/mA.h", "f64"]],
  [505, ["Rdc/Ohm", "f32"]],
  [509, ["Acir/Dcir Control", "u8"]],
];

const DOCUMENTED: ReadonlyMap<number, readonly [string, ColumnType]> = new Map(DOCUMENTED_COLUMNS);

/** Technique codes (first byte of the settings module) → the name on line 4 of an .mpt export. */
const TECHNIQUES: ReadonlyMap<number, string> = new Map([
  [4, "Galvanostatic Cycling with Potential Limitation"],
  [6, "Cyclic Voltammetry"],
  [11, "Open Circuit Voltage"],
  [24, "Chronoamperometry / Chronocoulometry"],
  [25, "Chronopotentiometry"],
  [28, "Wait"],
  [29, "Potentio Electrochemical Impedance Spectroscopy"],
  [30, "Galvano Electrochemical Impedance Spectroscopy"],
  [50, "IR compensation (PEIS)"],
  [51, "Cyclic Voltammetry Advanced"],
  [108, "Linear Sweep Voltammetry"],
  [117, "Constant Voltage"],
  [118, "Constant Current"],
  [127, "Modulo Bat"],
  [136, "Battery Capacity Determination"],
]);

const BCD = 136;

interface Module {
  short: string;
  long: string;
  /** true for the EC-Lab ≥ 11.50 header (0xFFFFFFFF, length, version, version 2, date). */
  extended: boolean;
  version: number;
  version2: number | null;
  date: string;
  /** Offset of the module data in the file, and its length. */
  start: number;
  length: number;
}

/** Column ids in the data module and where its records start, by header kind and version. */
interface DataLayout {
  nColumns: number;
  idsAt: number;
  /** 1 in the old version-0 table, else 2 (u16). */
  idBytes: 1 | 2;
  capacity: number;
  recordsAt: number;
}

function ascii(bytes: Uint8Array, start: number, length: number): string {
  let s = "";
  for (let i = start; i < start + length && i < bytes.length; i++) s += String.fromCharCode(bytes[i]!);
  return s;
}

const CP1252 = new TextDecoder("windows-1252");

/** A Pascal string (length byte, then text) of at most `room` bytes; null if it does not fit or holds control characters. */
function pascal(bytes: Uint8Array, at: number, room: number): string | null {
  if (at >= bytes.length) return null;
  const len = bytes[at]!;
  if (len > room || at + 1 + len > bytes.length) return null;
  const s = CP1252.decode(bytes.subarray(at + 1, at + 1 + len));
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    // Control characters other than tab, LF and CR: not a string.
    if (c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) return null;
  }
  return s;
}

function readModules(bytes: Uint8Array, view: DataView, file: string): Module[] {
  const modules: Module[] = [];
  let pos = FIRST_MODULE;
  while (pos < bytes.length) {
    const word = ascii(bytes, pos, MODULE.length);
    if (word.length < MODULE.length && MODULE.startsWith(word)) throw truncated(file, "in a module header");
    if (word !== MODULE) {
      throw new InputError(file, `no module at offset ${pos} (expected "MODULE"): corrupt .mpr`);
    }
    const h = pos + MODULE.length;
    const short = ascii(bytes, h, 10).trim();
    const long = ascii(bytes, h + 10, 25).trim();
    if (h + 39 > bytes.length) throw truncated(file, `in the header of module "${short}"`);
    const extended = view.getUint32(h + 35, true) === 0xffffffff;
    const headerLength = extended ? 59 : 51;
    if (h + headerLength > bytes.length) throw truncated(file, `in the header of module "${short}"`);
    const length = view.getUint32(extended ? h + 39 : h + 35, true);
    const version = view.getUint32(extended ? h + 43 : h + 39, true);
    const version2 = extended ? view.getUint32(h + 47, true) : null;
    const date = ascii(bytes, extended ? h + 51 : h + 43, 8);
    const start = h + headerLength;
    if (start + length > bytes.length) {
      throw truncated(
        file,
        `module "${short}" declares ${length} bytes but only ${bytes.length - start} remain`,
      );
    }
    modules.push({ short, long, extended, version, version2, date, start, length });
    pos = start + length;
  }
  return modules;
}

function truncated(file: string, where: string): InputError {
  return new InputError(file, `truncated .mpr: ${where}`);
}

function dataLayout(m: Module, view: DataView, file: string): DataLayout {
  const need = (n: number) => {
    if (m.length < n) throw new InputError(file, `VMP data module too short (${m.length} bytes)`);
  };
  if (m.extended && m.version === 0) {
    need(6);
    return {
      nColumns: view.getUint16(m.start + 4, true),
      idsAt: 6,
      idBytes: 2,
      capacity: 500,
      recordsAt: 0x3ef,
    };
  }
  if (!m.extended && m.version === 0) {
    need(6);
    // One-byte column ids; a zero first id would be the 11.50 table under an old header, never seen.
    if (view.getUint8(m.start + 5) === 0) {
      throw new InputError(
        file,
        "VMP data module version 0 (old header) with two-byte column ids is not supported; " +
          "export the file as .mpt from EC-Lab and read that",
      );
    }
    return { nColumns: view.getUint8(m.start + 4), idsAt: 5, idBytes: 1, capacity: 95, recordsAt: 100 };
  }
  if (!m.extended && (m.version === 2 || m.version === 3)) {
    need(5);
    return {
      nColumns: view.getUint8(m.start + 4),
      idsAt: 5,
      idBytes: 2,
      capacity: 200,
      recordsAt: m.version === 2 ? 0x195 : 0x196,
    };
  }
  throw new InputError(
    file,
    `VMP data module version ${m.version}${m.extended ? " (EC-Lab ≥ 11.50 header)" : ""} is not supported; ` +
      "export the file as .mpt from EC-Lab and read that",
  );
}

interface Field {
  /** Byte offset in the record. */
  offset: number;
  type: ColumnType;
  /** For flags: the bit mask; the value is (byte & mask) >> shift. */
  mask?: number;
}

/** Parse an .mpr file into all of its columns. */
export function parseMprTable(bytes: Uint8Array, file: string): EcLabTable {
  if (ascii(bytes, 0, MAGIC.length) !== MAGIC) {
    throw new InputError(file, 'not a BioLogic .mpr file (no "BIO-LOGIC MODULAR FILE" signature)');
  }
  if (bytes.length <= FIRST_MODULE) throw truncated(file, "no modules after the file signature");
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const modules = readModules(bytes, view, file);
  const find = (name: string) => {
    const found = modules.filter((m) => m.short === name);
    if (found.length > 1) throw new InputError(file, `${found.length} "${name}" modules; expected one`);
    return found[0] ?? null;
  };
  const data = find("VMP data");
  if (!data) throw new InputError(file, 'no "VMP data" module');
  const settings = find("VMP Set");
  const technique = settings && settings.length > 0 ? bytes[settings.start]! : null;

  // Column table.
  const layout = dataLayout(data, view, file);
  const nRecords = view.getUint32(data.start, true);
  const { nColumns, idsAt, idBytes, capacity, recordsAt } = layout;
  if (nColumns > capacity) {
    throw new InputError(
      file,
      `VMP data module lists ${nColumns} columns (room for ${capacity}): corrupt .mpr`,
    );
  }
  if (data.length < recordsAt) {
    throw new InputError(file, `VMP data module (${data.length} bytes) ends before its records start`);
  }
  const ids: number[] = [];
  for (let c = 0; c < nColumns; c++) {
    const at = data.start + idsAt + idBytes * c;
    ids.push(idBytes === 1 ? view.getUint8(at) : view.getUint16(at, true));
  }

  const columns: string[] = [];
  const fields: Field[] = [];
  let recordSize = 0;
  let flagsAt = -1;
  const seen = new Map<string, number>();
  const unique = (name: string) => {
    const k = (seen.get(name) ?? 0) + 1;
    seen.set(name, k);
    return k === 1 ? name : `${name} (${k})`;
  };
  for (let c = 0; c < ids.length; c++) {
    const id = ids[c]!;
    const flag = FLAG_COLUMNS.get(id);
    if (flag) {
      if (flagsAt < 0) {
        flagsAt = recordSize;
        recordSize += 1;
      }
      columns.push(unique(flag[0]));
      fields.push({ offset: flagsAt, type: "u8", mask: flag[1] });
      continue;
    }
    const col = DATA_COLUMNS.get(id) ?? DOCUMENTED.get(id);
    if (!col) {
      throw new InputError(
        file,
        `unknown data column id ${id} in the VMP data module (column ${c + 1} of ${ids.length}); ` +
          "export the file as .mpt from EC-Lab and read that",
      );
    }
    // Battery Capacity Determination exports call the potential (id 6) "Ecell/V".
    columns.push(unique(id === 6 && technique === BCD ? "Ecell/V" : col[0]));
    fields.push({ offset: recordSize, type: col[1] });
    recordSize += SIZE[col[1]];
  }
  const expected = recordsAt + nRecords * recordSize;
  if (data.length !== expected) {
    throw new InputError(
      file,
      `VMP data module holds ${data.length} bytes but ${nRecords} records of ${recordSize} bytes ` +
        `(columns ${ids.join(",")}) need ${expected}; the column layout is not understood — ` +
        "export the file as .mpt from EC-Lab and read that",
    );
  }

  // Records.
  const values = fields.map(() => new Float64Array(nRecords));
  const base = data.start + recordsAt;
  for (let f = 0; f < fields.length; f++) {
    const { offset, type, mask } = fields[f]!;
    const out = values[f]!;
    let p = base + offset;
    if (mask !== undefined) {
      const shift = 31 - Math.clz32(mask & -mask);
      for (let r = 0; r < nRecords; r++, p += recordSize) out[r] = (bytes[p]! & mask) >> shift;
      continue;
    }
    switch (type) {
      case "u8":
        for (let r = 0; r < nRecords; r++, p += recordSize) out[r] = bytes[p]!;
        break;
      case "u16":
        for (let r = 0; r < nRecords; r++, p += recordSize) out[r] = view.getUint16(p, true);
        break;
      case "u32":
        for (let r = 0; r < nRecords; r++, p += recordSize) out[r] = view.getUint32(p, true);
        break;
      case "f32":
        for (let r = 0; r < nRecords; r++, p += recordSize) out[r] = view.getFloat32(p, true);
        break;
      case "f64":
        for (let r = 0; r < nRecords; r++, p += recordSize) out[r] = view.getFloat64(p, true);
        break;
    }
  }

  const metadata: Record<string, string | number> = {
    modules: modules.map((m) => m.short).join(", "),
    "data module version": data.extended ? `${data.version}/${data.version2}` : data.version,
    "data module date": data.date,
    "column ids": ids.join(","),
  };
  if (settings) readSettings(bytes, view, settings, metadata);
  const loop = find("VMP loop");
  if (loop) readLoops(view, loop, nRecords, metadata);
  let startLocal: string | null = null;
  const log = find("VMP LOG");
  if (log) startLocal = readLog(bytes, view, log, settings ? moduleDay(settings.date) : null, metadata);
  return { file, format: "biologic-mpr", n: nRecords, columns, values, startLocal, metadata };
}

function readSettings(
  bytes: Uint8Array,
  view: DataView,
  m: Module,
  meta: Record<string, string | number>,
): void {
  meta["settings date"] = m.date;
  if (m.length < 1) return;
  const code = bytes[m.start]!;
  meta["technique code"] = code;
  const name = TECHNIQUES.get(code);
  if (name) meta["technique"] = name;
  const end = m.start + m.length;
  const str = (offset: number, room: number, key: string) => {
    if (m.start + offset + 1 > end) return;
    const s = pascal(bytes.subarray(0, end), m.start + offset, room);
    if (s !== null && s.trim() !== "") meta[key] = s.replace(/\r\n/g, "\n");
  };
  str(0x07, 0xff, "Comments");
  str(0x11e, 0xa1, "Electrode material");
  str(0x215, 0x36, "Reference electrode");
  if (m.start + 0x107 + 4 <= end) {
    const mass = view.getFloat32(m.start + 0x107, true);
    if (Number.isFinite(mass)) meta["Mass of active material/mg"] = Number(mass.toPrecision(7));
  }
}

function readLoops(view: DataView, m: Module, nRecords: number, meta: Record<string, string | number>): void {
  if (m.length < 4) return;
  const n = view.getUint32(m.start, true);
  if (4 + 4 * n > m.length) return;
  const starts: number[] = [];
  for (let k = 0; k < n; k++) starts.push(view.getUint32(m.start + 4 + 4 * k, true));
  // EC-Lab ends the list with the record count (one past the last loop's end).
  const loops = starts.filter((s, k) => !(k === starts.length - 1 && s === nRecords && k > 0));
  meta["Number of loops"] = loops.length;
  meta["loop starts"] = loops.join(",");
}

const OLE_EPOCH_MS = Date.UTC(1899, 11, 30);

/** Acquisition start from the log module, as local "YYYY-MM-DDTHH:MM:SS.sss"; null if absent or implausible. */
function readLog(
  bytes: Uint8Array,
  view: DataView,
  m: Module,
  settingsDay: string | null,
  meta: Record<string, string | number>,
): string | null {
  meta["log date"] = m.date;
  const end = m.start + m.length;
  const sub = bytes.subarray(0, end);
  const str = (offset: number, room: number, key: string, check?: RegExp) => {
    const s = pascal(sub, m.start + offset, room);
    if (s !== null && s !== "" && (!check || check.test(s))) meta[key] = s;
  };
  str(0x251, 0xff, "saved file");
  str(0x351, 0x32, "host");
  str(0x384, 0x32, "address");
  str(0x3b7, 6, "software version", /^\d+\.\d+$/);
  str(0x3be, 6, "Internet server", /^\d+\.\d+$/);
  str(0x3c5, 9, "Command interpretor", /^\d+\.\d+$/);
  str(0x3cf, 10, "device serial number", /^\d+$/);
  const at = (offset: number) => oleDate(view, m, offset);
  const modern = at(0x249);
  if (modern.iso) return modern.iso;
  // Older layouts: the first plausible date at 465, 469 or 473 that falls on the settings' day.
  for (const offset of OLD_LOG_DATE_OFFSETS) {
    const { iso } = at(offset);
    if (iso && (settingsDay === null || iso.startsWith(settingsDay))) {
      meta["log start offset"] = offset;
      return iso;
    }
  }
  if (modern.note) meta["log start"] = modern.note;
  return null;
}

/** Where EC-Lab versions before 10.40 keep the start date in the log module (galvani, BioLogic.py). */
const OLD_LOG_DATE_OFFSETS = [465, 469, 473] as const;

/** The OLE date (f8) at `offset` in module `m` as local ISO time, or a note why it is not one. */
function oleDate(view: DataView, m: Module, offset: number): { iso: string | null; note?: string } {
  if (m.length < offset + 8) return { iso: null };
  const days = view.getFloat64(m.start + offset, true);
  if (!Number.isFinite(days)) return { iso: null };
  const d = new Date(OLE_EPOCH_MS + Math.round(days * 86_400_000));
  const year = d.getUTCFullYear();
  // a date beyond ±8.64e15 ms is an Invalid Date (year NaN), which no comparison catches
  if (!(year >= 1990 && year <= 2200)) return { iso: null, note: `implausible OLE date ${days}` };
  return { iso: d.toISOString().slice(0, 23) };
}

/** A module header's date ("MM/DD/YY", "MM-DD-YY" or "MM.DD.YY") as "YYYY-MM-DD"; null if it is none. */
function moduleDay(date: string): string | null {
  const m = /^(\d\d)[/.-](\d\d)[/.-](\d\d)$/.exec(date);
  if (!m) return null;
  const yy = Number(m[3]);
  return `${yy < 90 ? 2000 + yy : 1900 + yy}-${m[1]}-${m[2]}`;
}

/** Parse an EC-Lab .mpr file (bytes of the whole file) into cycler records. */
export function parseMpr(bytes: Uint8Array, file: string): CyclerRecords {
  return ecLabRecords(parseMprTable(bytes, file));
}

/** Read an EC-Lab .mpr file from disk. */
export async function readMpr(path: string): Promise<CyclerRecords> {
  return parseMpr(await readEcLabFile(path), path);
}
