/**
 * Follow a cycler export that is still growing (EC-Lab .mpt, a Neware/Arbin/Maccor CSV, or a
 * generic CSV with a column mapping). Text exports are appended record by record, so the file is
 * re-read when its size grows and cut after its last line break: a record still being written is
 * never parsed (the readers would leave out a short last line anyway, but a last line cut inside
 * a number would parse as a wrong value). Parsing is the readers' own (echem/ `parseCycler`).
 */
import { readFile, stat } from "node:fs/promises";
import { type CyclerRecords, parseCycler, type ReadCyclerOptions } from "../echem/index.js";
import { InputError } from "../util/errors.js";

export interface CyclerSnapshot {
  records: CyclerRecords;
  /** Time span covered, on the file's own clock [s since its start]. */
  firstS: number;
  lastS: number;
  /** The same in Unix seconds when the file gives absolute UTC times (else null). */
  firstUnixS: number | null;
  lastUnixS: number | null;
}

export class CyclerTail {
  private seenBytes = 0;
  /** Whether records have parsed once (from then on a parse error is the file's, not its start's). */
  private started = false;
  /** Why the last poll had no records yet (e.g. the header alone so far); "" when it had. */
  problem = "";

  constructor(
    readonly path: string,
    private readonly options: ReadCyclerOptions = {},
  ) {}

  /** The whole file's complete records when it grew since the last poll; null when it did not. */
  async poll(): Promise<CyclerSnapshot | null> {
    let size: number;
    try {
      size = (await stat(this.path)).size;
    } catch {
      return null;
    }
    if (size <= this.seenBytes) return null;
    const bytes = await readFile(this.path);
    const end = bytes.lastIndexOf(0x0a);
    if (end < 0) return null;
    let records: CyclerRecords;
    try {
      records = parseCycler(bytes.subarray(0, end + 1), this.path, this.options);
    } catch (err) {
      // until the first records parse, the file may hold a header still being written: wait (the
      // message stays in `problem` for a caller that waits too long); after that, errors are real
      if (err instanceof InputError && !this.started) {
        this.problem = err.message;
        return null;
      }
      throw err;
    }
    const n = records.n;
    if (n === 0) {
      this.problem = "header only, no records yet";
      return null;
    }
    this.started = true;
    this.seenBytes = bytes.length; // re-read when the file grows past what was read now
    this.problem = "";
    return {
      records,
      firstS: records.timeS[0] ?? Number.NaN,
      lastS: records.timeS[n - 1] ?? Number.NaN,
      firstUnixS: records.unixTimeS?.[0] ?? null,
      lastUnixS: records.unixTimeS?.[n - 1] ?? null,
    };
  }
}
