/**
 * Bounded reads of an HDF5 file's structures, for the direct chunk reader (h5-chunks.ts): every
 * read is checked against the file's size and every field against what is left of the structure
 * it is read from, so a corrupt header ends in one InputError naming the file, never in a crash
 * or an allocation sized by an unchecked value.
 */
import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import { InputError } from "../util/errors.js";

/** Header structures (object headers, B-tree nodes, fixed-array blocks) are small; chunks are not. */
const MAX_STRUCTURE = 64 << 20;

/** An open HDF5 file, read with positioned reads. */
export class H5Bytes {
  private open = true;

  private constructor(
    readonly path: string,
    private readonly fd: number,
    readonly size: number,
  ) {}

  static open(path: string): H5Bytes {
    let fd: number;
    try {
      fd = openSync(path, "r");
    } catch (err) {
      throw new InputError(path, `cannot open: ${(err as NodeJS.ErrnoException).code ?? err}`);
    }
    try {
      return new H5Bytes(path, fd, fstatSync(fd).size);
    } catch (err) {
      closeSync(fd);
      throw new InputError(path, `cannot read: ${(err as NodeJS.ErrnoException).code ?? err}`);
    }
  }

  fail(problem: string): never {
    throw new InputError(this.path, problem);
  }

  /** Check that [at, at + length) lies inside the file. */
  checkSpan(at: number, length: number, what: string): void {
    if (!Number.isSafeInteger(at) || !Number.isSafeInteger(length) || at < 0 || length < 0) {
      this.fail(`${what}: invalid address ${at} or size ${length}`);
    }
    if (at + length > this.size) {
      this.fail(
        `${what} at byte ${at} (${length} bytes) lies beyond the end of the file (${this.size} bytes)`,
      );
    }
  }

  /** Exactly `length` bytes at `at` (a header structure: at most 64 MiB). */
  read(at: number, length: number, what: string): Uint8Array {
    if (length > MAX_STRUCTURE) this.fail(`${what}: implausible size ${length} bytes`);
    // before anything is allocated: a negative or outside span is the file's fault, not a RangeError
    this.checkSpan(at, length, what);
    const out = new Uint8Array(length);
    this.readInto(at, out, what);
    return out;
  }

  /** Fill `out` from `at` (checked against the file's size first). */
  readInto(at: number, out: Uint8Array, what: string): void {
    if (!this.open) throw new Error(`${this.path}: read after close()`);
    this.checkSpan(at, out.length, what);
    let done = 0;
    while (done < out.length) {
      const n = readSync(this.fd, out, done, out.length - done, at + done);
      if (n === 0) this.fail(`${what}: file ended early (truncated?)`);
      done += n;
    }
  }

  close(): void {
    if (this.open) closeSync(this.fd);
    this.open = false;
  }
}

/** Sizes of addresses ("offsets") and lengths in this file (superblock), and its base address. */
export interface H5Sizes {
  offsets: number;
  lengths: number;
  base: number;
}

/** "Undefined address" (all bits set) as read by Cursor.address(). */
export const UNDEFINED = -1;

/** Little-endian field reader over one structure; reading past its end is an InputError. */
export class Cursor {
  pos = 0;

  constructor(
    readonly bytes: Uint8Array,
    private readonly file: H5Bytes,
    private readonly what: string,
    private readonly sizes: H5Sizes = { offsets: 8, lengths: 8, base: 0 },
  ) {}

  get left(): number {
    return this.bytes.length - this.pos;
  }

  fail(problem: string): never {
    return this.file.fail(`${this.what}: ${problem}`);
  }

  need(n: number): void {
    if (!Number.isSafeInteger(n) || n < 0 || this.pos + n > this.bytes.length) {
      this.fail(`field of ${n} bytes at ${this.pos} runs past the end (${this.bytes.length} bytes)`);
    }
  }

  skip(n: number): void {
    this.need(n);
    this.pos += n;
  }

  sub(n: number): Uint8Array {
    this.need(n);
    this.pos += n;
    return this.bytes.subarray(this.pos - n, this.pos);
  }

  u8(): number {
    this.need(1);
    return this.bytes[this.pos++]!;
  }

  u16(): number {
    return this.uint(2);
  }

  u32(): number {
    return this.uint(4);
  }

  /** An unsigned little-endian integer of 1–8 bytes; beyond 2^53 it is an error. */
  uint(n: number): number {
    this.need(n);
    let v = 0;
    for (let i = n - 1; i >= 0; i--) v = v * 256 + this.bytes[this.pos + i]!;
    this.pos += n;
    if (!Number.isSafeInteger(v)) this.fail(`value beyond 2^53 at ${this.pos - n}`);
    return v;
  }

  /** A length field (size of lengths bytes). */
  length(): number {
    return this.uint(this.sizes.lengths);
  }

  /** A file address made absolute (base address added), or UNDEFINED when all bits are set. */
  address(): number {
    const n = this.sizes.offsets;
    this.need(n);
    let ones = true;
    for (let i = 0; i < n; i++) ones &&= this.bytes[this.pos + i] === 0xff;
    if (ones) {
      this.pos += n;
      return UNDEFINED;
    }
    return this.uint(n) + this.sizes.base;
  }

  ascii(n: number): string {
    return String.fromCharCode(...this.sub(n));
  }
}
