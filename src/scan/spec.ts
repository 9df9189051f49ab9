/**
 * SPEC data files (Certified Scientific Software; the format as silx's `specfile` documentation
 * and CSS's `spec_format` notes describe it): file headers (`#F`, `#E`, `#D`, `#O<i>` motor names,
 * `#o<i>` mnemonics), then scans, each `#S <n> <command>`, its header (`#D`, `#T`, `#M`, `#P<i>`,
 * `#N`, `#L`) and data lines. Read into one typed array per column.
 *
 * What the writers do that matters here:
 * - certified SPEC separates `#L` labels and `#O` names by two spaces, since a name may hold one
 *   ("Two Theta"); older or home-made writers use one space. When the two-space split does not
 *   give as many names as there are values (data columns, `#P` positions) and the one-space split
 *   does, that one is taken (silx keeps the two-space split only: such a line is one name there).
 * - `@A` lines are MCA spectra, continued over lines ending in a backslash: skipped.
 * - `#C` comments come between data lines ("Scan aborted after 12 points"); a scan may have no data.
 * - scan numbers repeat when a session restarts numbering: `3.1`, `3.2` (number.order, as silx).
 * - labels repeat (twoc.dat: `Kth14  Kth14`): all kept; lookup by name takes the first, `NAME#2`
 *   the second (see `specColumn`).
 */
import { readFile, stat } from "node:fs/promises";
import { decodeText, splitLines } from "../echem/csv-text.js";
import { clip, InputError } from "../util/errors.js";
import { printfNumber } from "./scan-table.js";

/** A file header: the lines from `#F`/`#E` up to the first scan. A file may hold several. */
export interface SpecHeader {
  /** 1-based line where it starts. */
  line: number;
  /** `#E`: the file's epoch [Unix s, UTC]; a scan's `Epoch` column counts seconds from it. */
  epochS: number | null;
  /** `#F` as written: the file name when it was started. */
  file: string | null;
  /** `#D` as written (local time of the beamline). */
  date: string | null;
  /** `#O<i>` lines as written, by i. */
  motorLines: Map<number, string>;
  /** `#o<i>` lines (motor mnemonics) as written, by i. */
  mnemonicLines: Map<number, string>;
}

export interface SpecScan {
  /** `number.order`: "3.1", and "3.2" for the second scan numbered 3. */
  key: string;
  number: number;
  order: number;
  command: string;
  /** 1-based line of `#S`. */
  line: number;
  header: SpecHeader;
  /** `#D` as written, e.g. "Thu Mar 14 10:02:03 2024" (local time). */
  date: string | null;
  /** `#T`: counting time per point [s]; null when counted on the monitor (`#M`) or absent. */
  countTimeS: number | null;
  /** `#M`: monitor counts per point, when counted on the monitor. */
  monitorPreset: number | null;
  labels: string[];
  /** One array per label, in `#L` order. */
  columns: Float64Array[];
  /** Number of data points. */
  points: number;
  /** Motor names from the header's `#O` lines, paired with `positions` (`#P`). */
  motors: string[];
  positions: Float64Array;
  /** Mnemonics (`#o`), paired with `motors`; empty when the file has none. */
  mnemonics: string[];
  comments: string[];
}

export interface SpecFile {
  path: string;
  headers: SpecHeader[];
  scans: SpecScan[];
}

/** Larger files would not fit one string in V8; a SPEC file this large is not a scan log. */
const MAX_BYTES = 512 * 1024 * 1024;
/** More columns than any counter setup has: a corrupt line. */
const MAX_COLUMNS = 100_000;

export async function readSpecFile(path: string): Promise<SpecFile> {
  let bytes: Uint8Array;
  try {
    if ((await stat(path)).size > MAX_BYTES)
      throw new InputError(path, `larger than ${MAX_BYTES / 2 ** 20} MiB: not read`);
    bytes = await readFile(path);
  } catch (err) {
    if (err instanceof InputError) throw err;
    throw new InputError(path, "no such file or not readable");
  }
  // SPEC writes ASCII; a label in UTF-8 or Latin-1 (µ) is read either way
  return parseSpec(decodeText(bytes), path);
}

/** A `#` line: key letters, optional index digits (`#P3`, `#O10`, `#UX1`), the rest. */
const CONTROL = /^#(\S+?)(\d*)(?:\s+(.*))?$/;
/** A number as SPEC (C printf) writes it; null when it is not one. */
export const specNumber = printfNumber;

/** Names separated by two or more spaces (certified SPEC's `#L` and `#O`). */
const splitWide = (s: string): string[] => (s.trim() === "" ? [] : s.trim().split(/\s{2,}|\t/));
const splitNarrow = (s: string): string[] => (s.trim() === "" ? [] : s.trim().split(/\s+/));

type Fail = (no: number, problem: string) => never;

/** A scan being read: its header so far and its data as one flat row-major list. */
interface ScanDraft {
  scan: Omit<SpecScan, "labels" | "columns" | "points" | "motors" | "positions" | "mnemonics">;
  labelLine: { no: number; text: string } | null;
  /** `#N`, when given. */
  declared: number | null;
  /** Values per data line, set by the first one. */
  width: number;
  /** Line of the first data line, for messages. */
  firstDataLine: number;
  values: number[];
  positionLines: Map<number, { no: number; values: number[] }>;
}

/** Parse state: the current file header and scan. */
interface State {
  path: string;
  fail: Fail;
  headers: SpecHeader[];
  scans: SpecScan[];
  /** How many scans so far had each number, for `number.order`. */
  seen: Map<number, number>;
  header: SpecHeader | null;
  headerHasScans: boolean;
  draft: ScanDraft | null;
}

export function parseSpec(text: string, path: string): SpecFile {
  const fail: Fail = (no, problem) => {
    throw new InputError(path, `line ${no}: ${problem}`);
  };
  const st: State = {
    path,
    fail,
    headers: [],
    scans: [],
    seen: new Map(),
    header: null,
    headerHasScans: false,
    draft: null,
  };
  const lines = splitLines(text);
  let continued = false;
  for (let i = 0; i < lines.length; i++) {
    const no = i + 1;
    const t = lines[i]!.trim();
    if (continued) {
      // the rest of a backslash-continued MCA line
      continued = t.endsWith("\\");
      continue;
    }
    if (t === "") continue;
    if (t.startsWith("@")) {
      // an MCA spectrum (`@A`, `@A1` …): not a column of the scan
      if (!st.draft) fail(no, `MCA data "${clip(t, 20)}" outside a scan`);
      continued = t.endsWith("\\");
    } else if (t.startsWith("#")) controlLine(st, t, no);
    else if (st.draft) dataLine(st.draft, t, no, fail);
    else fail(no, `"${clip(t, 40)}" is not a SPEC line (data before any #S scan line?)`);
  }
  endScan(st);
  return { path, headers: st.headers, scans: st.scans };
}

function endScan(st: State): void {
  if (st.draft) st.scans.push(finishScan(st.draft, st.fail));
  st.draft = null;
}

function newHeader(st: State, no: number): SpecHeader {
  endScan(st);
  const h: SpecHeader = {
    line: no,
    file: null,
    epochS: null,
    date: null,
    motorLines: new Map(),
    mnemonicLines: new Map(),
  };
  st.headers.push(h);
  st.header = h;
  st.headerHasScans = false;
  return h;
}

function controlLine(st: State, t: string, no: number): void {
  const m = CONTROL.exec(t);
  // a bare "#" or "# text": a comment some writers put between blocks
  if (!m) return;
  const key = m[1]!;
  const index = m[2]!;
  const rest = (m[3] ?? "").trim();
  if (key === "S" && index === "") {
    endScan(st);
    const h = st.header ?? newHeader(st, no);
    st.headerHasScans = true;
    st.draft = startScan(st, rest, no, h);
  } else if (key === "F" && index === "") {
    // #F opens a file header (a file may hold several, each with its #E and #O)
    const h = st.header && !st.headerHasScans && st.header.file === null ? st.header : newHeader(st, no);
    h.file = rest;
  } else if (key === "E" && index === "") {
    const h = st.header && !st.headerHasScans && st.header.epochS === null ? st.header : newHeader(st, no);
    const e = specNumber(rest.split(/\s+/)[0] ?? "");
    if (e === null || !Number.isFinite(e))
      st.fail(no, `#E "${clip(rest, 30)}" is not an epoch (Unix seconds)`);
    h.epochS = e;
  } else if (st.draft) scanLine(st.draft, key, index, rest, no, st.fail);
  else headerLine(st.header ?? newHeader(st, no), key, index, rest);
}

function headerLine(h: SpecHeader, key: string, index: string, rest: string): void {
  if (key === "O" && index !== "") h.motorLines.set(Number(index), rest);
  else if (key === "o" && index !== "") h.mnemonicLines.set(Number(index), rest);
  else if (key === "D" && index === "" && h.date === null) h.date = rest;
  // #C, #J, #U… : comments and site lines, not needed for a scan log
}

function startScan(st: State, rest: string, no: number, header: SpecHeader): ScanDraft {
  const m = /^(\d+)(?:\s+(.*))?$/.exec(rest);
  if (!m) return st.fail(no, `#S "${clip(rest, 30)}" has no scan number`);
  const number = Number(m[1]);
  const order = (st.seen.get(number) ?? 0) + 1;
  st.seen.set(number, order);
  return {
    scan: {
      key: `${number}.${order}`,
      number,
      order,
      command: (m[2] ?? "").trim(),
      line: no,
      header,
      date: null,
      countTimeS: null,
      monitorPreset: null,
      comments: [],
    },
    labelLine: null,
    declared: null,
    width: 0,
    firstDataLine: 0,
    values: [],
    positionLines: new Map(),
  };
}

/** The first number of a `#T`/`#M` line ("1  (Seconds)"). */
function leadingNumber(rest: string, key: string, no: number, fail: Fail): number {
  const v = specNumber(rest.split(/\s+/)[0] ?? "");
  if (v === null || !Number.isFinite(v))
    return fail(no, `#${key} "${clip(rest, 30)}" does not start with a number`);
  return v;
}

function scanLine(d: ScanDraft, key: string, index: string, rest: string, no: number, fail: Fail): void {
  const s = d.scan;
  if (index === "" && key === "D") s.date ??= rest;
  else if (index === "" && key === "T") {
    // a negative count time is SPEC's way of counting to a monitor preset
    const v = leadingNumber(rest, key, no, fail);
    s.countTimeS = v > 0 ? v : null;
  } else if (index === "" && key === "M") s.monitorPreset = leadingNumber(rest, key, no, fail);
  else if (index === "" && key === "C") s.comments.push(rest);
  else if (index === "" && key === "N") {
    const n = Number(rest.split(/\s+/)[0]);
    if (!Number.isInteger(n) || n < 1 || n > MAX_COLUMNS)
      fail(no, `#N "${clip(rest, 30)}" is not a column count`);
    d.declared = n;
  } else if (index === "" && key === "L") {
    if (d.labelLine) fail(no, `a second #L in scan ${s.key} (the first is on line ${d.labelLine.no})`);
    if (d.values.length) fail(no, `#L after the data of scan ${s.key}`);
    d.labelLine = { no, text: rest };
  } else if (key === "P" && index !== "") {
    const values = splitNarrow(rest).map(
      (v) => specNumber(v) ?? fail(no, `#P${index}: "${clip(v, 20)}" is not a number`),
    );
    d.positionLines.set(Number(index), { no, values });
  }
  // #G, #Q, #R, #X, #@MCA … : geometry and site lines, not needed for a scan log
}

function dataLine(d: ScanDraft, t: string, no: number, fail: Fail): void {
  const tokens = t.split(/\s+/);
  if (!d.labelLine) fail(no, `data in scan ${d.scan.key} before its #L labels`);
  if (d.width === 0) {
    if (tokens.length > MAX_COLUMNS) fail(no, `${tokens.length} values: too many columns`);
    d.width = tokens.length;
    d.firstDataLine = no;
  } else if (tokens.length !== d.width)
    fail(
      no,
      `${tokens.length} values where scan ${d.scan.key} has ${d.width} columns (line ${d.firstDataLine})`,
    );
  for (const tok of tokens) {
    const v = specNumber(tok);
    if (v === null) fail(no, `"${clip(tok, 20)}" is not a number (a data line of scan ${d.scan.key})`);
    d.values.push(v!);
  }
}

/** Names for `count` values: split at two spaces, or at one when only that gives `count`. */
function names(text: string, count: number): string[] | null {
  const wide = splitWide(text);
  if (wide.length === count) return wide;
  const narrow = splitNarrow(text);
  return narrow.length === count ? narrow : null;
}

function finishScan(d: ScanDraft, fail: Fail): SpecScan {
  const { scan, labelLine } = d;
  const labelText = labelLine?.text ?? "";
  const motors = motorsOf(d, fail);
  if (d.width === 0) {
    // no data (an aborted scan): the labels as #N splits them, else as written
    const labels = names(labelText, d.declared ?? -1) ?? splitWide(labelText);
    return { ...scan, labels, columns: labels.map(() => new Float64Array(0)), points: 0, ...motors };
  }
  const labels = names(labelText, d.width);
  if (!labels)
    return fail(
      labelLine!.no,
      `#L has ${splitWide(labelText).length} labels for the ${d.width} columns of scan ${scan.key}`,
    );
  const points = d.values.length / d.width;
  const columns = labels.map((_, c) => {
    const col = new Float64Array(points);
    for (let p = 0; p < points; p++) col[p] = d.values[p * d.width + c]!;
    return col;
  });
  return { ...scan, labels, columns, points, ...motors };
}

/** Pair each `#P<i>` with the header's `#O<i>` names; positions without names are dropped. */
function motorsOf(d: ScanDraft, fail: Fail): Pick<SpecScan, "motors" | "positions" | "mnemonics"> {
  const motors: string[] = [];
  const positions: number[] = [];
  const mnemonics: string[] = [];
  const h = d.scan.header;
  for (const i of [...d.positionLines.keys()].sort((a, b) => a - b)) {
    const p = d.positionLines.get(i)!;
    const nameLine = h.motorLines.get(i);
    if (nameLine === undefined) continue;
    const n = names(nameLine, p.values.length);
    if (!n)
      fail(
        p.no,
        `#P${i} has ${p.values.length} positions for the ${splitWide(nameLine).length} names of #O${i}`,
      );
    motors.push(...n!);
    positions.push(...p.values);
    const mn = splitNarrow(h.mnemonicLines.get(i) ?? "");
    mnemonics.push(...(mn.length === n!.length ? mn : n!.map(() => "")));
  }
  return {
    motors,
    positions: Float64Array.from(positions),
    mnemonics: mnemonics.some((m) => m) ? mnemonics : [],
  };
}

/**
 * A column by label: the first with that label, or `NAME#k` for the k-th of repeated labels
 * (twoc.dat has `Kth14` twice). null when there is none.
 */
export function specColumn(scan: SpecScan, name: string): Float64Array | null {
  const i = scan.labels.indexOf(name);
  if (i >= 0) return scan.columns[i]!;
  const m = /^(.*)#(\d+)$/.exec(name);
  if (!m) return null;
  const at = scan.labels.flatMap((l, j) => (l === m[1] ? [j] : []))[Number(m[2]) - 1];
  return at === undefined ? null : scan.columns[at]!;
}

/** A motor's position at the start of the scan (`#P`), by name or mnemonic; null when there is none. */
export function specMotor(scan: SpecScan, name: string): number | null {
  let i = scan.motors.indexOf(name);
  if (i < 0) i = scan.mnemonics.indexOf(name);
  return i < 0 || name === "" ? null : scan.positions[i]!;
}
