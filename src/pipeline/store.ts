/**
 * Reduced curves of one detector on disk, so that memory does not grow with the number of frames
 * and an interrupted run can resume. One file of fixed-size records in the detector's frame order:
 *
 *   record k = I[npt] (float32) · σ[npt] (float32) · T (float32) · ok (float32: 1 reduced, 0 skipped)
 *
 * Records are only appended, in order, so after a crash the complete ones are the first
 * floor(size / recordBytes); a torn tail is cut off on reopening. A JSON sidecar holds a key of
 * everything the reduction depends on (config, scan rows, file sizes and times): a store whose key
 * differs is started afresh rather than resumed.
 */
import {
  closeSync,
  existsSync,
  fstatSync,
  ftruncateSync,
  openSync,
  readFileSync,
  readSync,
  writeFileSync,
  writeSync,
} from "node:fs";
import { fsProblem, InputError } from "../util/errors.js";

export interface StoreHeader {
  key: string;
  npt: number;
  radial: number[];
  unit: string;
  frames: number;
}

export interface StoredCurve {
  intensity: Float32Array;
  sigma: Float32Array;
  transmission: number;
  ok: boolean;
}

export class CurveStore {
  readonly recordFloats: number;
  private fd: number;
  private count: number;

  private constructor(
    readonly path: string,
    readonly header: StoreHeader,
    fd: number,
    count: number,
    /** Read-only opening: whether the store on disk was made for `header` (key, npt and frames). */
    readonly matches = true,
  ) {
    this.recordFloats = 2 * header.npt + 2;
    this.fd = fd;
    this.count = count;
  }

  /**
   * Open the store at `path` (`path.json` beside it): resume when its key matches, else start empty.
   * Returns the store and how many records it already holds.
   */
  static open(path: string, header: StoreHeader, opts: { readOnly?: boolean } = {}): CurveStore {
    const side = `${path}.json`;
    if (opts.readOnly) {
      // another process's store (a shard's): read as it is, never cut or rewritten
      const old = JSON.parse(readFileSync(side, "utf8")) as StoreHeader;
      const same = old.key === header.key && old.npt === header.npt && old.frames === header.frames;
      const fd = openSync(path, "r");
      const count = Math.min(header.frames, Math.floor(fstatSync(fd).size / ((2 * header.npt + 2) * 4)));
      return new CurveStore(path, header, fd, count, same);
    }
    let resume = false;
    if (existsSync(side) && existsSync(path)) {
      try {
        const old = JSON.parse(readFileSync(side, "utf8")) as StoreHeader;
        resume = old.key === header.key && old.npt === header.npt && old.frames === header.frames;
      } catch {
        resume = false;
      }
    }
    const fd = openSync(path, resume ? "r+" : "w+");
    const bytes = (2 * header.npt + 2) * 4;
    let count = 0;
    if (resume) {
      count = Math.min(header.frames, Math.floor(fstatSync(fd).size / bytes));
      ftruncateSync(fd, count * bytes);
    } else writeFileSync(side, JSON.stringify(header));
    return new CurveStore(path, header, fd, count);
  }

  /** Number of complete records. */
  get length(): number {
    return this.count;
  }

  get complete(): boolean {
    return this.count === this.header.frames;
  }

  /** Keep only the first n records (to match a companion store after a crash). */
  truncate(n: number): void {
    if (n >= this.count) return;
    ftruncateSync(this.fd, n * this.recordFloats * 4);
    this.count = n;
  }

  append(r: StoredCurve): void {
    const n = this.header.npt;
    const rec = new Float32Array(this.recordFloats);
    rec.set(r.intensity, 0);
    rec.set(r.sigma, n);
    rec[2 * n] = r.transmission;
    rec[2 * n + 1] = r.ok ? 1 : 0;
    this.writing(() => writeSync(this.fd, rec, 0, rec.byteLength, this.count * rec.byteLength));
    this.count++;
  }

  /** Appends `count` whole records held in `block` (as readBlock gives them). */
  appendBlock(block: Float32Array, count: number): void {
    const bytes = count * this.recordFloats * 4;
    this.writing(() => writeSync(this.fd, block, 0, bytes, this.count * this.recordFloats * 4));
    this.count += count;
  }

  /**
   * A write to the store's file: a refusal (disk full, quota, read-only) names the store, as a
   * write by descriptor names no file of its own.
   */
  private writing(write: () => void): void {
    try {
      write();
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      if (!e.code) throw err;
      throw new InputError(this.path, `cannot write: ${fsProblem(e.code) ?? e.message}`);
    }
  }

  /** Records [start, end) as one block of (end − start) × recordFloats floats. */
  readBlock(start: number, end: number): Float32Array {
    const out = new Float32Array((end - start) * this.recordFloats);
    const bytes = out.byteLength;
    let got = 0;
    while (got < bytes) {
      const n = readSync(this.fd, out, got, bytes - got, start * this.recordFloats * 4 + got);
      if (n === 0) throw new Error(`${this.path}: store ends at ${got} of ${bytes} bytes`);
      got += n;
    }
    return out;
  }

  /** One record, as views into a fresh block. */
  read(k: number): StoredCurve {
    return view(this.readBlock(k, k + 1), 0, this.header.npt);
  }

  /**
   * Visit every record in order, `blockRecords` at a time (bounded memory). The callback's arrays are
   * views into the block: copy what must outlive the call.
   */
  forEach(fn: (k: number, r: StoredCurve) => void, blockRecords = 256): void {
    this.forRange(0, this.count, fn, blockRecords);
  }

  /** As forEach, over records [start, end) only (a reader following the store as it fills). */
  forRange(start: number, end: number, fn: (k: number, r: StoredCurve) => void, blockRecords = 256): void {
    for (let s = start; s < Math.min(end, this.count); s += blockRecords) {
      const e = Math.min(end, this.count, s + blockRecords);
      const b = this.readBlock(s, e);
      for (let k = s; k < e; k++) fn(k, view(b, k - s, this.header.npt));
    }
  }

  close(): void {
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
  }
}

function view(block: Float32Array, i: number, npt: number): StoredCurve {
  const o = i * (2 * npt + 2);
  return {
    intensity: block.subarray(o, o + npt),
    sigma: block.subarray(o + npt, o + 2 * npt),
    transmission: block[o + 2 * npt]!,
    ok: block[o + 2 * npt + 1] === 1,
  };
}
