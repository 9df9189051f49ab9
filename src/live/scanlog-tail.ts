/**
 * Follow a scan log (the canonical CSV of scan/log.ts) that the beamline is still appending to.
 * Each `poll()` reads only the bytes added since the last one and hands back the new complete
 * lines as a ScanLog of their own: a last line without its line break is still being written and
 * waits for the next poll. The rows go through the reader's own `parseScanLog` (same columns,
 * checks and messages, with the file's real line numbers), and the clock check per detector
 * continues across polls.
 */
import { open } from "node:fs/promises";
import { decodeText, splitLines } from "../echem/csv-text.js";
import { parseScanLog, type ScanLog } from "../scan/index.js";
import { InputError } from "../util/errors.js";

const NEWLINE = 0x0a;

export class ScanLogTail {
  /** Bytes consumed so far: always just after a line break. */
  private offset = 0;
  /** Complete lines consumed so far (the next line's number is this + 1). */
  private lines = 0;
  private header: string | null = null;
  private readonly lastTime = new Map<string, number>();
  /** Frames (rows) read so far. */
  rows = 0;

  constructor(readonly path: string) {}

  /** The rows added since the last poll, or null when no complete row was added. */
  async poll(): Promise<ScanLog | null> {
    const chunk = await this.readNew();
    if (chunk === null) return null;
    const firstLine = this.lines + 1;
    const lines = splitLines(decodeText(chunk));
    this.lines += lines.length;
    let start = 0;
    if (this.header === null) {
      while (start < lines.length && isSkipped(lines[start]!)) start++;
      if (start === lines.length) return null;
      this.header = lines[start++]!;
    }
    const fresh = lines.slice(start);
    if (fresh.every(isSkipped)) return null;
    // header, then blank lines (skipped by the parser) so each new row keeps its line number
    const pad = firstLine + start - 2;
    const text = `${this.header}\n${"\n".repeat(Math.max(0, pad))}${fresh.join("\n")}\n`;
    const log = parseScanLog(text, this.path);
    for (let r = 0; r < log.length; r++) {
      const det = log.detector[r]!;
      const prev = this.lastTime.get(det);
      if (prev !== undefined && log.timeS[r]! < prev)
        throw new InputError(this.path, `clock goes backwards at line ${log.line[r]} (detector ${det})`);
      this.lastTime.set(det, log.timeS[r]!);
    }
    this.rows += log.length;
    return log;
  }

  /** The bytes from `offset` up to and including the last line break, or null when there are none. */
  private async readNew(): Promise<Uint8Array | null> {
    let fh: Awaited<ReturnType<typeof open>>;
    try {
      fh = await open(this.path, "r");
    } catch {
      return null; // not created yet
    }
    try {
      const { size } = await fh.stat();
      if (size < this.offset)
        throw new InputError(
          this.path,
          `scan log shrank from ${this.offset} to ${size} bytes while followed`,
        );
      if (size === this.offset) return null;
      const buf = new Uint8Array(size - this.offset);
      const { bytesRead } = await fh.read(buf, 0, buf.length, this.offset);
      const end = buf.subarray(0, bytesRead).lastIndexOf(NEWLINE);
      if (end < 0) return null;
      this.offset += end + 1;
      return buf.subarray(0, end + 1);
    } finally {
      await fh.close();
    }
  }
}

function isSkipped(line: string): boolean {
  return line.trim() === "" || line.trimStart().startsWith("#");
}
