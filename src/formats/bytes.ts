/**
 * Random access to a file's bytes without reading the whole file: the frame readers index a file
 * by reading its headers only (a few small reads at known offsets), then read one frame's bytes on
 * demand. The same interface wraps an in-memory buffer so `decodeX(bytes)` shares the code.
 *
 * Index reads are synchronous (small, and it keeps the header parsers plain functions);
 * frame reads are asynchronous so a pipeline can overlap I/O with computation.
 */
import * as fs from "node:fs";
import { InputError } from "../util/errors.js";

export interface ByteSource {
  /** The file name used in error messages. */
  readonly path: string;
  /** Total size in bytes. */
  readonly size: number;
  /** Up to `length` bytes from `offset` (fewer at the end of the data; never an error). */
  read(offset: number, length: number): Uint8Array;
  /** Like `read`, without blocking the event loop for a file. */
  readAsync(offset: number, length: number): Promise<Uint8Array>;
  close(): void;
}

export function memorySource(bytes: Uint8Array, path: string): ByteSource {
  const clip = (offset: number, length: number) =>
    bytes.subarray(Math.min(offset, bytes.length), Math.min(offset + length, bytes.length));
  return {
    path,
    size: bytes.length,
    read: clip,
    readAsync: async (offset, length) => clip(offset, length),
    close: () => {},
  };
}

/** Open `path` for random access; a missing or unreadable file is an InputError. */
export function fileSource(path: string): ByteSource {
  let fd: number;
  let size: number;
  try {
    fd = fs.openSync(path, "r");
  } catch (err) {
    throw new InputError(path, `cannot open: ${describeFsError(err)}`);
  }
  try {
    const st = fs.fstatSync(fd);
    if (!st.isFile()) throw new InputError(path, "not a regular file");
    size = st.size;
  } catch (err) {
    fs.closeSync(fd);
    if (err instanceof InputError) throw err;
    throw new InputError(path, `cannot read: ${describeFsError(err)}`);
  }
  let open = true;
  const check = () => {
    if (!open) throw new Error(`${path}: read after close()`);
  };
  const span = (offset: number, length: number) => Math.max(0, Math.min(length, size - offset));
  return {
    path,
    size,
    read(offset, length) {
      check();
      const buf = new Uint8Array(span(offset, length));
      let done = 0;
      while (done < buf.length) {
        const n = fs.readSync(fd, buf, done, buf.length - done, offset + done);
        if (n === 0) break;
        done += n;
      }
      return done === buf.length ? buf : buf.subarray(0, done);
    },
    async readAsync(offset, length) {
      check();
      const buf = new Uint8Array(span(offset, length));
      let done = 0;
      while (done < buf.length) {
        const n = await new Promise<number>((resolve, reject) =>
          fs.read(fd, buf, done, buf.length - done, offset + done, (err, bytesRead) =>
            err ? reject(new InputError(path, `read failed: ${err.message}`)) : resolve(bytesRead),
          ),
        );
        if (n === 0) break;
        done += n;
      }
      return done === buf.length ? buf : buf.subarray(0, done);
    },
    close() {
      if (open) fs.closeSync(fd);
      open = false;
    },
  };
}

function describeFsError(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  if (e?.code === "ENOENT") return "no such file";
  if (e?.code === "EACCES") return "permission denied";
  if (e?.code === "EISDIR") return "is a directory";
  return e?.message ?? String(err);
}

/** Bytes → string, one char per byte (latin-1), so binary offsets equal string indices. */
export function latin1(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("latin1");
}

/** Index of `needle` in `hay` at or after `from`, or -1. */
export function indexOfBytes(hay: Uint8Array, needle: Uint8Array, from = 0): number {
  return Buffer.from(hay.buffer, hay.byteOffset, hay.byteLength).indexOf(needle, from);
}

export function startsWithAscii(bytes: Uint8Array, prefix: string): boolean {
  if (bytes.length < prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) if (bytes[i] !== prefix.charCodeAt(i)) return false;
  return true;
}

/** A reusable read buffer (grown as needed), for reading many files whole one after another. */
export interface Scratch {
  bytes: Uint8Array;
  /** Decoded pixels' memory, reused where the reader allows it (see reusedPixels in dtype.ts). */
  pixels?: ArrayBuffer;
}

/**
 * The whole of `path` read into `scratch` by one synchronous read (a view of it, valid until the
 * next use of `scratch`), or null where the file cannot be read so (missing, not a regular file,
 * empty): the caller then opens it the general way, which names the problem.
 */
export function readWholeInto(path: string, scratch: Scratch): Uint8Array | null {
  let fd: number;
  try {
    fd = fs.openSync(path, "r");
  } catch {
    return null;
  }
  try {
    const st = fs.fstatSync(fd);
    if (!st.isFile() || st.size === 0) return null;
    if (scratch.bytes.length < st.size) scratch.bytes = new Uint8Array(Math.ceil(st.size * 1.25));
    let got = 0;
    while (got < st.size) {
      const n = fs.readSync(fd, scratch.bytes, got, st.size - got, got);
      if (n === 0) return null;
      got += n;
    }
    return scratch.bytes.subarray(0, st.size);
  } catch {
    return null;
  } finally {
    fs.closeSync(fd);
  }
}
