/**
 * The one place that starts h5wasm (HDF5 compiled to WebAssembly) for Node and opens files with it.
 *
 * - The wasm module is initialised once per process (`await h5wasm.ready`).
 * - The compression plugins shipped by h5wasm-plugins (bitshuffle 32008, LZ4 32004, blosc, blosc2,
 *   bzip2, lzf, zfp, zstd, jpeg, bitgroom, bitround) are put first on HDF5's plugin search path;
 *   deflate (gzip), shuffle, szip, n-bit and scale-offset are built into the library.
 * - HDF5's "throwing" error handler is switched on, so that a failing HDF5 call (a missing filter, a
 *   corrupt chunk) raises a JS Error carrying HDF5's error stack. Without it h5wasm prints the stack
 *   to stderr and returns uninitialised memory as if the read had worked.
 *
 * Known cost of the throwing handler: every HDF5 error unwinds the wasm stack without restoring it
 * (h5wasm does not export stackSave/stackRestore), leaking about 0.5 kB of the 2 MiB wasm stack; the
 * module aborts after a few thousand HDF5 errors in one process. So the usual bad inputs (missing
 * file, not an HDF5 file) are caught here in JS before HDF5 is called at all.
 */
import { closeSync, openSync, readSync, statfsSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import type { Dataset, File as H5File, Metadata } from "h5wasm/node";
import { fsProblem, InputError } from "../util/errors.js";

export type { Dataset, H5File, Metadata };

type H5Namespace = typeof import("h5wasm/node").default;
export type H5Module = Awaited<H5Namespace["ready"]>;
export type H5Filter = { id: number; name: string; cd_values: number[] };

/**
 * The values as a float typed array h5wasm writes correctly. h5wasm 0.8.9 writes a typed array of
 * the dataset's own type straight from `array.buffer`, ignoring byteOffset/length, so a subarray
 * view would write the wrong values: copy unless the array is exactly its whole buffer.
 */
export function exactFloats<C extends Float32ArrayConstructor | Float64ArrayConstructor>(
  a: ArrayLike<number>,
  ctor: C,
): InstanceType<C> {
  if (a instanceof ctor && a.byteOffset === 0 && a.byteLength === a.buffer.byteLength)
    return a as InstanceType<C>;
  return ctor.from(a) as InstanceType<C>;
}

/**
 * The gzip level of the datasets we compress (masks, mostly zeros). Level 1 compresses as well as
 * 4 at half the time.
 */
export const GZIP_LEVEL = 1;

/**
 * The filter of curve datasets (reduced curves, region cubes, heatmaps): none. Noisy float curves
 * hardly compress — 768 curves of 800 bins: 2.50 MB raw, 2.32 MB with gzip level 1 — while gzip
 * made writing them 6× slower (194 vs 31 ms through h5wasm 0.8; each one-row chunk pays zlib's
 * set-up), most of a run's HDF5 writing (issue 11).
 */
export const CURVE_FILTER = {} as const;

/**
 * h5wasm's namespace (File, Dataset, Group classes), usable once `initH5()` has resolved. Loaded
 * then, not when this module is imported: its 4 MB of JavaScript and WebAssembly cost ~0.25 s of a
 * core to load, which threads and commands that never touch an HDF5 file (a worker reducing CBF
 * frames) need not pay (issue 11).
 */
export let h5wasm: H5Namespace;

let initialised: Promise<H5Module> | undefined;

/** Load and start h5wasm once per process and register the compression plugins. */
export function initH5(): Promise<H5Module> {
  initialised ??= (async () => {
    h5wasm = (await import("h5wasm/node")).default;
    const module = await h5wasm.ready;
    const plugins = pluginDirectory();
    // Same effect as h5wasm-plugins' install_local_plugins(module), which has no TypeScript types
    // and builds the directory from a file URL without decoding it (paths with spaces break).
    if (plugins) module.insert_plugin_search_path(plugins, 0);
    module.activate_throwing_error_handler();
    return module;
  })();
  return initialised;
}

/** Folder holding the h5wasm-plugins .so files (wasm side modules), or null if not installed. */
export function pluginDirectory(): string | null {
  try {
    const pkg = createRequire(import.meta.url).resolve("h5wasm-plugins/package.json");
    const dir = join(dirname(pkg), "plugins");
    return statSync(dir).isDirectory() ? dir : null;
  } catch {
    return null;
  }
}

const SIGNATURE = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a]; // "\x89HDF\r\n\x1a\n"

/**
 * Byte offset of the HDF5 superblock signature, or null when there is none. HDF5 looks at offset 0
 * and then at 512, 1024, 2048, … (files with a user block), and so do we.
 */
export function hdf5SignatureOffset(path: string): number | null {
  const fd = openSync(path, "r");
  try {
    const size = statSync(path).size;
    const buf = Buffer.alloc(SIGNATURE.length);
    for (let offset = 0; offset + SIGNATURE.length <= size; offset = offset === 0 ? 512 : offset * 2) {
      if (
        readSync(fd, buf, 0, buf.length, offset) === buf.length &&
        SIGNATURE.every((b, i) => buf[i] === b)
      ) {
        return offset;
      }
    }
    return null;
  } finally {
    closeSync(fd);
  }
}

/** Whether `path` is a readable file that starts like an HDF5 file (for format detection). */
export function looksLikeHdf5(path: string): boolean {
  try {
    return statSync(path).isFile() && hdf5SignatureOffset(path) !== null;
  } catch {
    return false;
  }
}

/**
 * Open an existing HDF5 file read-only; every failure is an InputError naming the file. `mode` "Sr"
 * opens it as a SWMR reader (H5F_ACC_SWMR_READ): the only way to open a file that h5py is writing
 * with `swmr_mode = True` (plain "r" is refused: "file is already open for write"); it also opens
 * files written without SWMR (checked in src/live/swmr.test.ts).
 */
export async function openH5(path: string, mode: "r" | "Sr" = "r"): Promise<H5File> {
  await initH5();
  let size: number;
  try {
    const st = statSync(path);
    if (st.isDirectory()) throw new InputError(path, "is a directory, not an HDF5 file");
    size = st.size;
  } catch (err) {
    if (err instanceof InputError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    throw new InputError(path, code === "ENOENT" ? "file not found" : `cannot read file (${code ?? err})`);
  }
  if (size === 0) throw new InputError(path, "empty file, not an HDF5 file");
  let offset: number | null;
  try {
    offset = hdf5SignatureOffset(path);
  } catch (err) {
    throw new InputError(path, `cannot read file (${(err as NodeJS.ErrnoException).code ?? err})`);
  }
  if (offset === null) throw new InputError(path, "not an HDF5 file (no HDF5 signature)");
  let file: H5File;
  try {
    file = new h5wasm.File(path, mode);
  } catch (err) {
    throw new InputError(path, `cannot open HDF5 file: ${h5Problem(err)}`);
  }
  if (file.file_id < 0n) throw new InputError(path, "cannot open HDF5 file");
  return file;
}

/** Create (truncate) an HDF5 file for writing. */
export async function createH5(path: string): Promise<H5File> {
  await initH5();
  try {
    const file = new h5wasm.File(path, "w");
    if (file.file_id < 0n) throw new Error("H5Fcreate failed");
    return file;
  } catch (err) {
    throw new InputError(path, `cannot create HDF5 file: ${h5Problem(err)}`);
  }
}

/** Close without throwing (used on error paths, where the first error is the one to report). */
export function closeQuietly(file: H5File | undefined): void {
  try {
    file?.close();
  } catch {
    // already reporting another error
  }
}

/**
 * One line describing what went wrong, from an h5wasm error. With the throwing handler the message
 * is HDF5's whole error stack ("#000: file line N in H5Dread(): can't read data …"); the useful part
 * is usually the innermost entry, except for a few well-known causes rephrased here.
 */
export function h5Problem(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  const entries = [...text.matchAll(/#\d+:.*? in [\w.]+\(\): (.*)$/gm)].map((m) => m[1]!.trim());
  if (entries.length === 0) return text.split("\n")[0]!.trim() || "unknown HDF5 error";
  const find = (re: RegExp) => entries.map((e) => e.match(re)).find((m) => m !== null);
  const filter = find(/required filter '([^']*)' is not registered/);
  if (filter) return `HDF5 filter "${filter[1]}" is not available (no plugin for it)`;
  if (find(/file signature not found/)) return "not an HDF5 file (no HDF5 signature)";
  const trunc = find(/truncated file: eof = (\d+).*stored_eof = (\d+)/);
  if (trunc) return `truncated HDF5 file (${trunc[1]} of ${trunc[2]} bytes present)`;
  const errno = find(/error message = '([^']*)'/);
  if (errno) return errno[1]!;
  return entries[entries.length - 1]!;
}

/**
 * `h5Problem` for a write into `path`: HDF5 reports a full disk only as "file write failed" (with
 * the time), so the folder's free space is looked at and a (nearly) full device said plainly.
 */
export function h5WriteProblem(path: string, err: unknown): string {
  const problem = h5Problem(err);
  try {
    const s = statfsSync(dirname(path));
    const free = s.bavail * s.bsize;
    if (free < 4 * 2 ** 20) return `${fsProblem("ENOSPC")} (${Math.round(free / 1024)} kB free)`;
  } catch {
    // no statfs here (or the folder is gone): HDF5's own words
  }
  return problem;
}

// HDF5 datatype classes (H5T_class_t) as h5wasm reports them in Metadata.type.
const H5T_INTEGER = 0;
const H5T_FLOAT = 1;
const CLASS_NAMES: Record<number, string> = {
  2: "time",
  3: "string",
  4: "bitfield",
  5: "opaque",
  6: "compound",
  7: "reference",
  8: "enum",
  9: "vlen",
  10: "array",
};

/** NumPy-style name of an HDF5 datatype: "uint16", "float32", "int64", "float16", "string", … */
export function typeName(meta: Metadata): string {
  if (meta.type === H5T_INTEGER) return `${meta.signed ? "int" : "uint"}${meta.size * 8}`;
  if (meta.type === H5T_FLOAT) return `float${meta.size * 8}`;
  if (meta.type === 8 && meta.enum_type) {
    const m = meta.enum_type.members;
    const isBool = Object.keys(m).length === 2 && m["FALSE"] === 0 && m["TRUE"] === 1;
    return isBool ? "bool" : "enum";
  }
  return CLASS_NAMES[meta.type] ?? `class${meta.type}`;
}

/** Registered names of HDF5 filters we expect to meet (https://github.com/HDFGroup/hdf5_plugins). */
const FILTER_NAMES: Record<number, string> = {
  1: "deflate",
  2: "shuffle",
  3: "fletcher32",
  4: "szip",
  5: "nbit",
  6: "scaleoffset",
  307: "bzip2",
  32000: "lzf",
  32001: "blosc",
  32004: "lz4",
  32008: "bitshuffle",
  32013: "zfp",
  32015: "zstd",
  32017: "sz",
  32019: "jpeg",
  32022: "bitgroom",
  32023: "bitround",
  32026: "blosc2",
};

/** Short filter name: "deflate", "bitshuffle-lz4" (cd_values[4] = 2), "lz4", or HDF5's own name. */
export function filterName(f: H5Filter): string {
  const known = FILTER_NAMES[f.id];
  if (f.id === 32008) {
    const codec = f.cd_values[4];
    return codec === 2 ? "bitshuffle-lz4" : codec === 3 ? "bitshuffle-zstd" : "bitshuffle";
  }
  return known ?? (f.name.split(/[;:]/)[0]!.trim() || `filter-${f.id}`);
}

/** "bitshuffle-lz4 32008 (0,3,2,0,2); deflate 1 (4)" — for metadata and messages. */
export function describeFilters(filters: H5Filter[]): string {
  return filters
    .map((f) => `${filterName(f)} ${f.id}${f.cd_values.length ? ` (${f.cd_values.join(",")})` : ""}`)
    .join("; ");
}
