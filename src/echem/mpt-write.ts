/**
 * EC-Lab ASCII exports (.mpt) written the way EC-Lab writes them, so that the digital twin's cycler
 * log goes through the same reader as a real one. Layout copied from real exports (EC-Lab 11.4x/11.50,
 * see test/fixtures/echem/): "EC-Lab ASCII FILE", "Nb header lines : N" (N counts up to and
 * including the column names), the technique, key : value lines, version lines, the tab-separated
 * column names with a trailing tab, then one record per line with a trailing tab.
 *
 * Numbers as EC-Lab prints them: integers for flags, `%.15E` for doubles (time, charges, <I>),
 * `%.7E` for the float32 channels (Ewe, control), a three-digit exponent (`3,7516155E+000`), and
 * the Windows locale's decimal separator everywhere (header and data). Text is Windows-1252
 * (Latin-1 for the characters used here), lines end in CRLF.
 *
 * Derived columns are computed as EC-Lab does on export: dq per record, half cycles (a new one at
 * each change of the sign of the current), Q charge/discharge within the half cycle, Q charge and
 * Q discharge within the cycle.
 */
import { randomBytes } from "node:crypto";
import { renameSync, rmSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { InputError } from "../util/errors.js";

/** What the writer needs, one value per record (CyclerRecords' arrays fit). */
export interface MptRecords {
  /** Seconds since the acquisition start. */
  timeS: ArrayLike<number>;
  eweV: ArrayLike<number>;
  /** Current [mA], negative on discharge (reduction at the working electrode). */
  currentMA: ArrayLike<number>;
  /** Charge since the start [mAh], signed like the current (EC-Lab "(Q-Qo)"). */
  chargeMAh: ArrayLike<number>;
  /** Sequence index (EC-Lab Ns). */
  step: ArrayLike<number>;
  /** 1 = constant current, 2 = constant voltage, 3 = rest (open circuit). */
  mode: ArrayLike<number>;
  /** Cycle number (EC-Lab counts from 0); default 0 throughout. */
  cycle?: ArrayLike<number> | null;
}

export interface MptOptions {
  /** Acquisition start on the cycler's wall clock, "YYYY-MM-DDTHH:MM:SS.sss" (no zone). */
  startLocal: string;
  /** Write "1,5" instead of "1.5" (a European Windows locale); default false. */
  decimalComma?: boolean;
  /** Technique line; default "Galvanostatic Cycling with Potential Limitation". */
  technique?: string;
  /** Device line; default "VMP3 (SN 0198)". */
  device?: string;
  /** Mass of active material [mg], written as EC-Lab does when set. */
  massMg?: number;
  /** Name of the .mpr the export claims to come from; default "operando.mpr". */
  mprName?: string;
  /** "Comments : …" line. */
  comments?: string;
}

/** Column names in EC-Lab's order for a GCPL export (a subset of its ~30 columns). */
export const MPT_COLUMNS = [
  "mode",
  "ox/red",
  "error",
  "control changes",
  "Ns changes",
  "counter inc.",
  "Ns",
  "time/s",
  "dq/mA.h",
  "(Q-Qo)/mA.h",
  "control/V/mA",
  "Ewe/V",
  "I Range",
  "Q charge/discharge/mA.h",
  "half cycle",
  "<I>/mA",
  "Q discharge/mA.h",
  "Q charge/mA.h",
  "Capacity/mA.h",
  "control/V",
  "control/mA",
  "cycle number",
] as const;

const LOCAL_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,3}))?$/;
const EOL = "\r\n";
/** EC-Lab's "I Range" code of the 10 mA range (any value works for readers). */
const I_RANGE_10MA = 13;

/** Bytes (Windows-1252) of an .mpt export of the records. */
export function formatMpt(rec: MptRecords, opts: MptOptions): Uint8Array {
  const n = checkRecords(rec);
  for (const [name, v] of Object.entries({
    technique: opts.technique,
    device: opts.device,
    mprName: opts.mprName,
    comments: opts.comments,
  })) {
    if (v !== undefined && /[\r\n\t]/.test(v))
      throw new RangeError(`${name} cannot hold tabs or line breaks`);
  }
  const comma = opts.decimalComma ?? false;
  const num = (x: number, digits: number) => ecLabNumber(x, digits, comma);
  const fixed = (x: number, digits: number) => {
    const s = x.toFixed(digits);
    return comma ? s.replace(".", ",") : s;
  };

  const body: string[] = [
    "",
    opts.technique ?? "Galvanostatic Cycling with Potential Limitation",
    "",
    "Run on channel : 1 (SN 0198)",
    "User : ",
    "Electrode connection : standard",
    "Potential control : Ewe",
    `Ewe ctrl range : min = ${fixed(0, 2)} V, max = ${fixed(5, 2)} V`,
    "Safety Limits :",
    "\tDo not start on E overload",
    `Acquisition started on : ${ecLabDate(opts.startLocal)}`,
    "Loaded Setting File : NONE",
    "Saved on :",
    `\tFile : ${opts.mprName ?? "operando.mpr"}`,
    "\tDirectory : C:\\Data\\operando\\",
    "\tHost : 192.168.0.2",
    `Device : ${opts.device ?? "VMP3 (SN 0198)"}`,
    "Address : USB",
    "EC-Lab for windows v11.50 (software)",
    "Internet server v11.50 (firmware)",
    "Command interpretor v11.50 (firmware)",
    "Electrode material : ",
    "Initial state : ",
    "Electrolyte : ",
    `Comments : ${opts.comments ?? ""}`,
  ];
  if (opts.massMg !== undefined) {
    if (!(Number.isFinite(opts.massMg) && opts.massMg > 0)) {
      throw new RangeError(`massMg must be > 0, got ${opts.massMg}`);
    }
    body.push(`Mass of active material : ${fixed(opts.massMg, 3)} mg`, ` at x = ${fixed(0, 3)}`);
  }
  body.push(
    `Electrode surface area : ${fixed(1, 3)} cm\u00b2`,
    `Characteristic mass : ${fixed((opts.massMg ?? 1) / 1000, 3)} g`,
    `Volume (V) : ${fixed(0.001, 3)} cm\u00b3`,
    "Cycle Definition : Charge/Discharge alternance",
    "",
  );
  const columnLine = `${MPT_COLUMNS.join("\t")}\t`;
  const nHeader = 2 + body.length + 1;
  const lines = ["EC-Lab ASCII FILE", `Nb header lines : ${nHeader}`.padEnd(46, " "), ...body, columnLine];

  const time = rec.timeS;
  const q = rec.chargeMAh;
  const cur = rec.currentMA;
  let halfCycle = 0;
  let lastSign = 0;
  let qHalf = 0;
  let qCharge = 0;
  let qDischarge = 0;
  for (let k = 0; k < n; k++) {
    const step = rec.step[k]!;
    const mode = rec.mode[k]!;
    const cycle = rec.cycle ? rec.cycle[k]! : 0;
    const prevCycle = k > 0 && rec.cycle ? rec.cycle[k - 1]! : cycle;
    const i = cur[k]!;
    const dq = k > 0 ? q[k]! - q[k - 1]! : q[0]!;
    const sign = i > 0 ? 1 : i < 0 ? -1 : 0;
    if (sign !== 0 && lastSign !== 0 && sign !== lastSign) {
      halfCycle++;
      qHalf = 0;
    }
    if (sign !== 0) lastSign = sign;
    if (cycle !== prevCycle) {
      qCharge = 0;
      qDischarge = 0;
    }
    qHalf += dq;
    if (dq > 0) qCharge += dq;
    else qDischarge -= dq;
    const control = mode === 1 ? i : mode === 2 ? rec.eweV[k]! : 0;
    const fields = [
      String(mode),
      i >= 0 ? "1" : "0", // ox/red: 1 = oxidation (and at rest, as EC-Lab writes it)
      "0",
      mode === 3 ? "1" : "0",
      k > 0 && step !== rec.step[k - 1]! ? "1" : "0",
      cycle !== prevCycle ? "1" : "0",
      String(step),
      num(time[k]!, 15),
      num(dq, 15),
      num(q[k]!, 15),
      num(control, 7),
      num(rec.eweV[k]!, 7),
      String(I_RANGE_10MA),
      num(qHalf, 15),
      String(halfCycle),
      num(i, 15),
      num(qDischarge, 15),
      num(qCharge, 15),
      num(Math.abs(qHalf), 15),
      num(mode === 2 ? rec.eweV[k]! : 0, 7),
      num(mode === 1 ? i : 0, 7),
      num(cycle, 15),
    ];
    lines.push(`${fields.join("\t")}\t`);
  }
  const text = lines.join(EOL) + EOL;
  return latin1(text);
}

/** Write an .mpt file atomically (temporary name in the same folder, then rename). */
export function writeMpt(path: string, rec: MptRecords, opts: MptOptions): void {
  const bytes = formatMpt(rec, opts);
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`);
  try {
    writeFileSync(tmp, bytes);
    renameSync(tmp, path);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw new InputError(path, `cannot write: ${(err as NodeJS.ErrnoException).code ?? err}`);
  }
}

/**
 * A number as EC-Lab prints it: `d.ddd…E±XXX` with `digits` decimals (a three-digit exponent), or
 * NaN / Inf / -Inf; the decimal separator per locale.
 */
export function ecLabNumber(x: number, digits: number, decimalComma = false): string {
  if (!Number.isFinite(x)) return Number.isNaN(x) ? "NaN" : x > 0 ? "Inf" : "-Inf";
  const s = (x === 0 ? 0 : x).toExponential(digits); // -0 prints as 0
  const e = s.indexOf("e");
  const exp = Number(s.slice(e + 1));
  const mant = decimalComma ? s.slice(0, e).replace(".", ",") : s.slice(0, e);
  return `${mant}E${exp < 0 ? "-" : "+"}${String(Math.abs(exp)).padStart(3, "0")}`;
}

/** "YYYY-MM-DDTHH:MM:SS.sss" → EC-Lab's "MM/DD/YYYY HH:MM:SS.sss". */
function ecLabDate(local: string): string {
  const m = LOCAL_TIME.exec(local);
  if (!m) throw new RangeError(`startLocal must be YYYY-MM-DDTHH:MM:SS[.sss], got "${local}"`);
  const ms = (m[7] ?? "").padEnd(3, "0");
  return `${m[2]}/${m[3]}/${m[1]} ${m[4]}:${m[5]}:${m[6]}.${ms}`;
}

function checkRecords(rec: MptRecords): number {
  const n = rec.timeS.length;
  const named: [string, ArrayLike<number> | null | undefined][] = [
    ["eweV", rec.eweV],
    ["currentMA", rec.currentMA],
    ["chargeMAh", rec.chargeMAh],
    ["step", rec.step],
    ["mode", rec.mode],
    ["cycle", rec.cycle],
  ];
  for (const [name, a] of named) {
    if (a && a.length !== n) throw new RangeError(`${name} has ${a.length} values, timeS has ${n}`);
  }
  for (let k = 0; k < n; k++) {
    const m = rec.mode[k]!;
    if (m !== 1 && m !== 2 && m !== 3) throw new RangeError(`mode[${k}] = ${m}; EC-Lab modes are 1, 2, 3`);
    if (!Number.isInteger(rec.step[k]!))
      throw new RangeError(`step[${k}] = ${rec.step[k]} is not an integer`);
    if (rec.cycle && !Number.isInteger(rec.cycle[k]!)) {
      throw new RangeError(`cycle[${k}] = ${rec.cycle[k]} is not an integer`);
    }
  }
  return n;
}

function latin1(text: string): Uint8Array {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    // 0x80–0x9F mean other characters in Windows-1252 than in Latin-1: refuse them too.
    if (c > 0xff || (c >= 0x80 && c < 0xa0)) {
      throw new RangeError(`character "${text[i]}" cannot be written in Windows-1252`);
    }
  }
  return new Uint8Array(Buffer.from(text, "latin1"));
}
