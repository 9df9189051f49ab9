/**
 * Arbin MITS Pro `.res` files: a Microsoft Access (Jet 4) database, read with the mdb-reader package.
 *
 * Tables used (names and columns as in the files, e.g. cellpy's 20210210_FC_01_cc_01.res; galvani's
 * res2sqlite.py lists the same schema):
 *   Channel_Normal_Table: one row per record. Test_ID, Data_Point, Test_Time [s], Step_Time [s],
 *     DateTime (Excel/OLE serial day, the PC's local clock), Step_Index, Cycle_Index, Current [A],
 *     Voltage [V], Charge_Capacity and Discharge_Capacity [Ah] (unsigned counters), energies [Wh].
 *   Global_Table: one row per test. Test_ID, Test_Name, Start_DateTime (OLE day, local),
 *     Schedule_File_Name, Channel_Index, Software_Version, Serial_Number, MASS, …
 * Sign and charge conventions as for the CSV exports (arbin.ts): the current is signed (negative on
 * discharge); the net charge is the charge-counter increments minus the discharge-counter ones.
 * Rows are taken in Data_Point order. A file holding several tests (several Test_IDs) is refused.
 */
import type MdbReader from "mdb-reader";
import { InputError } from "../util/errors.js";
import { counterIncrements, cumulative, formatLocal, intervalCharge, startFromDates } from "./csv-text.js";
import type { CyclerRecords } from "./types.js";

const RECORDS = "Channel_Normal_Table";
const GLOBAL = "Global_Table";
const NEEDED = ["Test_ID", "Data_Point", "Test_Time", "Current", "Voltage"] as const;

/** The Jet/ACE signature at byte 4 of every Access database. */
export function isAccessDb(bytes: Uint8Array): boolean {
  const sig = new TextDecoder("latin1").decode(bytes.subarray(4, 19));
  return sig === "Standard Jet DB" || sig === "Standard ACE DB";
}

/** OLE automation dates (days since 1899-12-30) → zone-free ms. */
const oleDayToMs = (d: number) => (d - 25569) * 86_400_000;
/** OLE days of 1954–2119; anything else is not a date. */
const isOleDay = (d: number) => d >= 20000 && d <= 80000;

function num(v: unknown): number {
  if (typeof v === "number") return v;
  if (typeof v === "bigint") return Number(v);
  if (typeof v === "string" && v.trim() !== "") return Number(v);
  return Number.NaN;
}

/**
 * mdb-reader, loaded on first need (`loadArbinRes`), not with the program: it brings an XML parser
 * and eight packages, ~0.2 s of every `swaxs run` start for a format few runs read (issue 11).
 */
let Reader: typeof MdbReader | null = null;

/** Load what reading a .res file takes (readCycler does, before parseCycler meets one). */
export async function loadArbinRes(): Promise<void> {
  Reader ??= (await import("mdb-reader")).default;
}

/** Reads an Arbin .res file (after `loadArbinRes`). Throws InputError on anything it cannot read. */
export function parseArbinRes(bytes: Uint8Array, file: string): CyclerRecords {
  if (!isAccessDb(bytes)) throw new InputError(file, "not an Arbin .res file (no Access database signature)");
  const MDBReader = Reader;
  if (!MDBReader)
    throw new InputError(
      file,
      "an Arbin .res file is read whole (swaxs echem, swaxs run), not followed as it grows",
    );
  let rows: Record<string, unknown>[];
  let global: Record<string, unknown>[] = [];
  let tables: string[];
  try {
    const db = new MDBReader(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    tables = db.getTableNames();
    if (!tables.includes(RECORDS)) {
      throw new InputError(
        file,
        `Access database without ${RECORDS}: not an Arbin .res file (tables: ${tables.join(", ")})`,
      );
    }
    const table = db.getTable(RECORDS);
    const names = table.getColumnNames();
    const missing = NEEDED.filter((c) => !names.includes(c));
    if (missing.length > 0) throw new InputError(file, `${RECORDS} without ${missing.join(", ")}`);
    rows = table.getData();
    if (tables.includes(GLOBAL)) global = db.getTable(GLOBAL).getData();
  } catch (err) {
    if (err instanceof InputError) throw err;
    // mdb-reader throws plain Errors (and TypeErrors/RangeErrors on damaged pages).
    throw new InputError(
      file,
      `corrupt or truncated Arbin .res (Access database): ${(err as Error).message}`,
    );
  }
  if (rows.length === 0) throw new InputError(file, `${RECORDS} has no records`);
  const tests = [...new Set(rows.map((r) => num(r["Test_ID"])))];
  if (tests.length > 1) {
    throw new InputError(
      file,
      `.res holds ${tests.length} tests (Test_ID ${tests.join(", ")}); export the one wanted as CSV`,
    );
  }
  rows.sort((a, b) => num(a["Data_Point"]) - num(b["Data_Point"]));

  const n = rows.length;
  const column = (name: string): Float64Array => {
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const v = num(rows[i]![name]);
      if (!Number.isFinite(v)) {
        throw new InputError(
          file,
          `${RECORDS} Data_Point ${num(rows[i]!["Data_Point"])}: ${name} is not a number`,
        );
      }
      out[i] = v;
    }
    return out;
  };
  const has = (name: string) => rows[0]![name] !== undefined;
  const timeS = column("Test_Time");
  const currentMA = column("Current").map((a) => a * 1000);
  const eweV = column("Voltage");
  const step = has("Step_Index") ? Int32Array.from(column("Step_Index")) : null;
  const cycle = has("Cycle_Index") ? Int32Array.from(column("Cycle_Index")) : null;
  const mode = Uint8Array.from(currentMA, (c) => (c === 0 ? 3 : 0));

  const metadata: Record<string, string | number> = {
    timeColumn: "Test_Time",
    currentColumn: "Current",
    voltageColumn: "Voltage",
    Test_ID: tests[0]!,
  };
  let chargeMAh: Float64Array | null = null;
  if (has("Charge_Capacity") && has("Discharge_Capacity")) {
    const chg = column("Charge_Capacity").map((v) => v * 1000);
    const dchg = column("Discharge_Capacity").map((v) => v * 1000);
    const incC = counterIncrements(chg, step, intervalCharge(timeS, currentMA, 1));
    const incD = counterIncrements(dchg, step, intervalCharge(timeS, currentMA, -1));
    chargeMAh = cumulative(incC.map((v, i) => v - incD[i]!));
    metadata["chargeColumns"] = "Charge_Capacity − Discharge_Capacity";
  }

  // Start: Global_Table's Start_DateTime; else the records' DateTime.
  let startLocal: string | null = null;
  let unixTimeS: Float64Array | null = null;
  const test = global.find((g) => num(g["Test_ID"]) === tests[0]) ?? null;
  if (test) {
    for (const k of [
      "Test_Name",
      "Schedule_File_Name",
      "Channel_Index",
      "Software_Version",
      "Serial_Number",
      "MASS",
    ]) {
      const v = test[k];
      if (typeof v === "string" && v !== "") metadata[k] = v;
      else if (typeof v === "number") metadata[k] = v;
    }
  }
  if (has("DateTime")) {
    const dt = column("DateTime");
    metadata["dateColumn"] = "DateTime";
    if (dt[0]! >= 1e8) {
      // Newer MITS versions may store Unix seconds (UTC), as their CSV exports do.
      unixTimeS = dt;
      metadata["dateTimeKind"] = "unix epoch s (UTC)";
    } else if (isOleDay(dt[0]!)) {
      metadata["dateTimeKind"] = "OLE serial day (local)";
      startLocal = startFromDates(dt.map(oleDayToMs), timeS, metadata);
    }
  }
  const start = test ? num(test["Start_DateTime"]) : Number.NaN;
  if (isOleDay(start) && unixTimeS === null) {
    startLocal = formatLocal(oleDayToMs(start));
    metadata["startColumn"] = `${GLOBAL}.Start_DateTime`;
  }

  return {
    file,
    format: "arbin-res",
    n,
    startLocal,
    timeS,
    unixTimeS,
    eweV,
    currentMA,
    chargeMAh,
    step,
    cycle,
    mode,
    columns: Object.keys(rows[0]!),
    metadata,
  };
}
