/**
 * The rows of a scan log being made, in the canonical column order (log.ts `SCAN_COLUMNS`), with
 * the one check every source needs while writing: times never go back, as `parseScanLog`
 * requires (equal times are allowed: SPEC's `Epoch` column is sometimes whole seconds).
 */
import { isoUtc } from "../echem/timezone.js";
import { InputError } from "../util/errors.js";
import { SCAN_COLUMNS } from "./log.js";

/** What a scan-log source made: the CSV text and what went into it, for the one summary line. */
export interface MadeScanLog {
  csv: string;
  rows: number;
  /** Points (or frame files) written, each once whatever the number of detectors. */
  points: number;
  detectors: string[];
  /** The scans written (`3.1`), and the chosen ones without data. */
  scans: string[];
  empty: string[];
  /** Where the times came from, per scan written (`Epoch`, `#D`, `epoch`, `time_of_day`, …). */
  timeFrom: string[];
  /** Things the user should know that did not stop the log (an aborted scan cut to its common length). */
  notes: string[];
  /**
   * The HDF5 dataset holding each detector's frames inside the files the log names, for detectors
   * whose frames are in HDF5 files (`detectors.<det>.dataset` of the config).
   */
  datasets: Record<string, string>;
}

export interface LogRowValues {
  x: number;
  y: number;
  exposure: number;
  i0: number;
  it: number;
}

export class LogWriter {
  private readonly lines: string[] = [SCAN_COLUMNS.join(",")];
  private last: { t: number; where: string } | null = null;

  /** `file`: the source, named in errors; `hint`: how to put the scans in order. */
  constructor(
    private readonly file: string,
    private readonly hint = "choose scans in time order with --scan",
  ) {}

  /** Checks that the point at `t` [Unix s] does not go back in time; `where` names it. */
  point(t: number, where: string): void {
    if (this.last && t < this.last.t)
      throw new InputError(
        this.file,
        `${where} (${isoUtc(t)}) is earlier than ${this.last.where} (${isoUtc(this.last.t)}): a scan log cannot go back in time; ${this.hint}`,
      );
    this.last = { t, where };
  }

  /** One row: a frame (`frame`: its place in `file`) at `t` [Unix s]. */
  row(t: number, detector: string, file: string, frame: number, v: LogRowValues): void {
    const values = [v.x, v.y, v.exposure, v.i0, v.it].map(String);
    this.lines.push([isoUtc(t), detector, file, frame, ...values].join(","));
  }

  get rows(): number {
    return this.lines.length - 1;
  }

  csv(): string {
    return `${this.lines.join("\n")}\n`;
  }
}
