/**
 * CBF (Crystallographic Binary File) images as Pilatus detectors and CBFlib write them:
 * an ASCII CIF header, then one MIME-like binary section
 *
 *   --CIF-BINARY-FORMAT-SECTION--
 *   Content-Type: application/octet-stream;
 *        conversions="x-CBF_BYTE_OFFSET"
 *   X-Binary-Size: <bytes of compressed data>
 *   X-Binary-Element-Type: "signed 32-bit integer"
 *   X-Binary-Size-Fastest-Dimension / -Second-Dimension: <cols> / <rows>
 *   Content-MD5: <base64 MD5 of the compressed bytes>  …
 *   <blank line> 0C 1A 04 D5 <X-Binary-Size bytes> <X-Binary-Size-Padding zero bytes>
 *
 * Described in "CBFlib: An ANSI C library for manipulating image data" (Bernstein & Ellis, the
 * CBFlib manual, sections "MIME header" and "Byte-offset compression") and the Pilatus manual
 * ("miniCBF" header: `_array_data.header_contents` holding "# Key value" lines, see metadata.ts).
 *
 * Byte-offset compression stores each pixel as the difference from the previous one (the first
 * from 0): one signed byte; the byte -128 (0x80) escapes to a little-endian int16 that follows;
 * an int16 of -32768 escapes to an int32; an int32 of -2^31 escapes to an int64.
 */
import { createHash } from "node:crypto";
import * as fsp from "node:fs/promises";
import * as nodePath from "node:path";
import { InputError } from "../util/errors.js";
import { referenceWanted } from "../util/wasm-switch.js";
import { decodeByteOffsetWasm } from "./byte-offset.js";
import { type ByteSource, fileSource, indexOfBytes, latin1, memorySource, startsWithAscii } from "./bytes.js";
import { allocate, bytesPerElement, dtypeOf, fromBytes, isFloat } from "./dtype.js";
import { coerce, KEY, parsePilatusHeader, parseWithUnit, pilatusHeaderLines } from "./metadata.js";
import type { Dtype, Frame, FrameSource, Metadata, PixelArray } from "./types.js";

const SECTION = Buffer.from("--CIF-BINARY-FORMAT-SECTION--", "latin1");
const START_MARKER = Uint8Array.of(0x0c, 0x1a, 0x04, 0xd5);
/** Pilatus camserver pads with 4095 zero bytes; any amount is legal. */
const WRITE_PADDING = 4095;
/** Give up looking for the binary section after this many header bytes. */
const MAX_HEADER = 1 << 22;

const ELEMENT_TYPES: Record<string, Dtype> = {
  "signed 8-bit integer": "int8",
  "unsigned 8-bit integer": "uint8",
  "signed 16-bit integer": "int16",
  "unsigned 16-bit integer": "uint16",
  "signed 32-bit integer": "int32",
  "unsigned 32-bit integer": "uint32",
  "signed 32-bit real ieee": "float32",
  "signed 64-bit real ieee": "float64",
};

/** True when the first bytes look like a CBF file (the CBF magic line "###CBF: VERSION …"). */
export function sniffCbf(firstBytes: Uint8Array): boolean {
  return startsWithAscii(firstBytes, "###CBF");
}

// ---------------------------------------------------------------------------------------------
// Byte-offset codec

/**
 * Decode byte-offset data from `src` into `out` (int32 arithmetic wraps modulo 2^32 the way the
 * C implementations do, so the same loop serves uint32 through a reinterpreting view).
 * Returns how many elements were decoded (less than out.length when `src` runs out) and how many
 * bytes were consumed.
 */
export function decodeByteOffset(src: Uint8Array, out: Int32Array): { decoded: number; consumed: number } {
  const n = out.length;
  const len = src.length;
  const s8 = new Int8Array(src.buffer, src.byteOffset, len);
  let v = 0;
  let p = 0;
  let i = 0;
  // Fast part: while at least 15 bytes (the longest code) remain, no bounds checks are needed.
  // Most codes are single bytes, so they get their own tight loop; `stop` bounds it by both the
  // pixels still wanted and the bytes left in the safe zone (one byte per pixel there).
  const safe = len - 15;
  while (i < n && p < safe) {
    const stop = i + Math.min(n - i, safe - p);
    let d = s8[p]!;
    while (d !== -128 && i < stop) {
      v = (v + d) | 0;
      out[i++] = v;
      d = s8[++p]!;
    }
    if (i >= stop) break;
    const d16 = ((src[p + 1]! | (src[p + 2]! << 8)) << 16) >> 16;
    if (d16 !== -32768) {
      v = (v + d16) | 0;
      p += 3;
    } else {
      const d32 = src[p + 3]! | (src[p + 4]! << 8) | (src[p + 5]! << 16) | (src[p + 6]! << 24);
      if (d32 !== -2147483648) {
        v = (v + d32) | 0;
        p += 7;
      } else {
        // int64 delta: only its low 32 bits matter modulo 2^32.
        v = (v + (src[p + 7]! | (src[p + 8]! << 8) | (src[p + 9]! << 16) | (src[p + 10]! << 24))) | 0;
        p += 15;
      }
    }
    out[i++] = v;
  }
  // Tail: the same with explicit checks; stop at the first incomplete code.
  while (i < n && p < len) {
    const d = s8[p]!;
    if (d !== -128) {
      v = (v + d) | 0;
      p += 1;
    } else {
      if (p + 3 > len) break;
      const d16 = ((src[p + 1]! | (src[p + 2]! << 8)) << 16) >> 16;
      if (d16 !== -32768) {
        v = (v + d16) | 0;
        p += 3;
      } else {
        if (p + 7 > len) break;
        const d32 = src[p + 3]! | (src[p + 4]! << 8) | (src[p + 5]! << 16) | (src[p + 6]! << 24);
        if (d32 !== -2147483648) {
          v = (v + d32) | 0;
          p += 7;
        } else {
          if (p + 15 > len) break;
          v = (v + (src[p + 7]! | (src[p + 8]! << 8) | (src[p + 9]! << 16) | (src[p + 10]! << 24))) | 0;
          p += 15;
        }
      }
    }
    out[i++] = v;
  }
  return { decoded: i, consumed: p };
}

/**
 * Byte-offset-compress integer pixels (any integer dtype).
 *
 * Deltas are taken modulo 2^32 (as int32), like the value arithmetic of every decoder that
 * writes 32-bit pixels. This keeps the file readable by the many int32-only decoders that do not
 * implement the 64-bit escape (fabio's `dec_cbf32`, the Dectris reference reader): a uint32 step
 * from 4294967295 to 0 is stored as +1. Only a delta of exactly -2^31 (the int32 escape value
 * itself) needs the 15-byte int64 code.
 */
export function encodeByteOffset(data: PixelArray): Uint8Array {
  const n = data.length;
  // Pass 1: size, so the output is allocated once.
  let size = 0;
  let prev = 0;
  for (let i = 0; i < n; i++) {
    const x = data[i]!;
    const d = (x - prev) | 0;
    prev = x;
    if (d >= -127 && d <= 127) size += 1;
    else if (d >= -32767 && d <= 32767) size += 3;
    else if (d !== -2147483648) size += 7;
    else size += 15;
  }
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  let p = 0;
  prev = 0;
  for (let i = 0; i < n; i++) {
    const x = data[i]!;
    const d = (x - prev) | 0;
    prev = x;
    if (d >= -127 && d <= 127) {
      out[p++] = d & 0xff;
    } else if (d >= -32767 && d <= 32767) {
      out[p] = 0x80;
      view.setInt16(p + 1, d, true);
      p += 3;
    } else if (d !== -2147483648) {
      out[p] = 0x80;
      view.setInt16(p + 1, -32768, true);
      view.setInt32(p + 3, d, true);
      p += 7;
    } else {
      out[p] = 0x80;
      view.setInt16(p + 1, -32768, true);
      view.setInt32(p + 3, -2147483648, true);
      view.setInt32(p + 7, -2147483648, true); // int64 -2^31: low word 0x80000000 …
      view.setInt32(p + 11, -1, true); // … high word 0xFFFFFFFF
      p += 15;
    }
  }
  return out;
}

function md5Base64(bytes: Uint8Array): string {
  return createHash("md5").update(bytes).digest("base64");
}

// ---------------------------------------------------------------------------------------------
// Header

/** Where the pixels are and how to decode them; everything the header says. */
interface CbfLayout {
  shape: [number, number];
  dtype: Dtype;
  compression: "byte_offset" | "none";
  littleEndian: boolean;
  /** File offset of the first binary byte (just after 0C 1A 04 D5). */
  binaryOffset: number;
  binarySize: number;
  md5: string | null;
  metadata: Metadata;
}

/**
 * Read the header part of `src` (up to and including the start marker) and check it against the
 * file size. All problems are InputErrors naming `src.path`.
 */
function readLayout(src: ByteSource): CbfLayout {
  const path = src.path;
  let head = src.read(0, 65536);
  let section = indexOfBytes(head, SECTION);
  let marker = section < 0 ? -1 : indexOfBytes(head, START_MARKER, section);
  while (marker < 0 && head.length < src.size && head.length < MAX_HEADER) {
    head = src.read(0, head.length * 4);
    section = indexOfBytes(head, SECTION);
    marker = section < 0 ? -1 : indexOfBytes(head, START_MARKER, section);
  }
  if (section < 0) {
    const what = sniffCbf(head) ? "CBF header without a binary section" : "not a CBF file";
    throw new InputError(path, `${what} (no "--CIF-BINARY-FORMAT-SECTION--" found)`);
  }
  if (marker < 0)
    throw new InputError(path, "CBF binary section has no start marker 0C 1A 04 D5 (truncated header?)");

  const cifText = latin1(head.subarray(0, section));
  const mimeText = latin1(head.subarray(section + SECTION.length, marker));
  const mime = parseMime(mimeText);
  const metadata: Metadata = { ...parseCif(cifText) };
  const lower = new Map<string, string>();
  for (const [k, v] of mime) {
    metadata[k] = coerce(v);
    lower.set(k.toLowerCase(), v);
  }
  const get = (key: string) => lower.get(key.toLowerCase());
  const int = (key: string, required: boolean): number | null => {
    const raw = get(key);
    if (raw === undefined) {
      if (required) throw new InputError(path, `CBF binary header lacks ${key}`);
      return null;
    }
    if (!/^\s*\d+\s*$/.test(raw))
      throw new InputError(path, `CBF ${key} is not a non-negative integer: "${raw}"`);
    return Number(raw);
  };

  const conv = (/conversions\s*=\s*"?([^";\s]+)/i.exec(mimeText)?.[1] ?? "").toLowerCase();
  let compression: CbfLayout["compression"];
  if (conv === "x-cbf_byte_offset") compression = "byte_offset";
  else if (conv === "x-cbf_none" || conv === "") compression = "none";
  else
    throw new InputError(
      path,
      `CBF compression "${conv}" is unsupported (only x-CBF_BYTE_OFFSET and x-CBF_NONE)`,
    );

  const typeName = (get("X-Binary-Element-Type") ?? "signed 32-bit integer").replace(/"/g, "").trim();
  const dtype = ELEMENT_TYPES[typeName.toLowerCase()];
  if (!dtype) throw new InputError(path, `CBF X-Binary-Element-Type "${typeName}" is unsupported`);
  if (compression === "byte_offset" && isFloat(dtype)) {
    throw new InputError(path, `CBF byte-offset compression of ${typeName} elements is unsupported`);
  }
  const order = (get("X-Binary-Element-Byte-Order") ?? "LITTLE_ENDIAN").trim().toUpperCase();
  if (order !== "LITTLE_ENDIAN" && order !== "BIG_ENDIAN") {
    throw new InputError(
      path,
      `CBF X-Binary-Element-Byte-Order "${order}" is not LITTLE_ENDIAN or BIG_ENDIAN`,
    );
  }
  if (compression === "byte_offset" && order !== "LITTLE_ENDIAN") {
    throw new InputError(path, "CBF byte-offset data in BIG_ENDIAN order is unsupported");
  }

  const cols = int("X-Binary-Size-Fastest-Dimension", true)!;
  const rows = int("X-Binary-Size-Second-Dimension", true)!;
  const third = int("X-Binary-Size-Third-Dimension", false);
  if (third !== null && third !== 1)
    throw new InputError(path, `CBF image is 3-D (third dimension ${third}); only 2-D images are supported`);
  if (rows === 0 || cols === 0)
    throw new InputError(path, `CBF image has an empty dimension (${rows}×${cols})`);
  const count = int("X-Binary-Number-of-Elements", false);
  if (count !== null && count !== rows * cols) {
    throw new InputError(
      path,
      `CBF header dimensions ${rows}×${cols} = ${rows * cols} pixels disagree with X-Binary-Number-of-Elements ${count}`,
    );
  }
  const binarySize = int("X-Binary-Size", true)!;
  const binaryOffset = marker + START_MARKER.length;
  const available = src.size - binaryOffset;
  if (binarySize > available) {
    throw new InputError(
      path,
      `truncated CBF: X-Binary-Size is ${binarySize} bytes but only ${available} bytes follow the binary start marker`,
    );
  }
  if (compression === "none" && binarySize < rows * cols * bytesPerElement(dtype)) {
    throw new InputError(
      path,
      `CBF X-Binary-Size ${binarySize} is too small for ${rows}×${cols} ${dtype} pixels (${rows * cols * bytesPerElement(dtype)} bytes)`,
    );
  }
  return {
    shape: [rows, cols],
    dtype,
    compression,
    littleEndian: order === "LITTLE_ENDIAN",
    binaryOffset,
    binarySize,
    md5: get("Content-MD5")?.trim() ?? null,
    metadata,
  };
}

/**
 * Bytes a CBF file needs, from its header alone: the offset just after the binary start marker
 * plus X-Binary-Size; null while the header is not all there (no section, marker or X-Binary-Size
 * yet). For a file still being written (live mode, src/live/): it is complete once it has at
 * least that many bytes (the trailing padding and MIME boundary are not needed to read it).
 */
export function cbfDeclaredBytes(path: string): number | null {
  const src = fileSource(path);
  try {
    const head = src.read(0, Math.min(src.size, MAX_HEADER));
    const section = indexOfBytes(head, SECTION);
    const marker = section < 0 ? -1 : indexOfBytes(head, START_MARKER, section);
    if (marker < 0) return null;
    const mime = parseMime(latin1(head.subarray(section + SECTION.length, marker)));
    const size = [...mime].find(([k]) => k.toLowerCase() === "x-binary-size")?.[1];
    return size !== undefined && /^\s*\d+\s*$/.test(size)
      ? marker + START_MARKER.length + Number(size)
      : null;
  } finally {
    src.close();
  }
}

/** MIME header lines "Key: value" (values without quotes or a trailing ";"). */
function parseMime(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split(/\r?\n/)) {
    const m = /^([A-Za-z][\w-]*)\s*:\s*(.*)$/.exec(line.trim());
    if (m) out.set(m[1]!, m[2]!.replace(/^"|"\s*;?$|;$/g, "").trim());
  }
  return out;
}

/**
 * The CIF part: `_category.item value` pairs on one line, and the Pilatus header text field
 * (`_array_data.header_contents` followed by a `;`-delimited block or a quoted string).
 */
function parseCif(text: string): Metadata {
  const meta: Metadata = {};
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const m = /^(_[\w.[\]-]+)(?:\s+(.*))?$/.exec(lines[i]!.trim());
    if (!m) continue;
    const key = m[1]!;
    let value = (m[2] ?? "").trim();
    if (value === "" && lines[i + 1]?.startsWith(";")) {
      // CIF text field: from the line after ";" up to a line that starts with ";".
      const body: string[] = [lines[i + 1]!.slice(1)];
      let j = i + 2;
      while (j < lines.length && !lines[j]!.startsWith(";")) body.push(lines[j++]!);
      i = j;
      value = body.join("\n").replace(/^\n+|\n+$/g, "");
    }
    if (value === "" || key === "_array_data.data") continue;
    value = value.replace(/^(['"])([\s\S]*)\1$/, "$2");
    meta[key] = coerce(value);
    if (key === "_array_data.header_contents") Object.assign(meta, parsePilatusHeader(value));
  }
  const wl = meta["_diffrn_radiation_wavelength.wavelength"];
  if (meta[KEY.wavelengthM] === undefined && wl !== undefined) {
    const v = parseWithUnit(String(wl), "A");
    if (v !== null) meta[KEY.wavelengthM] = v;
  }
  return meta;
}

// ---------------------------------------------------------------------------------------------
// Reading

export interface CbfReadOptions {
  /** Check Content-MD5 (when present) against the compressed bytes. Default true. */
  checkMd5?: boolean;
  /**
   * Where a byte-offset frame of 32-bit pixels is decoded: an array of n pixels the caller reuses
   * from frame to frame (the frame's data is then a view of it), instead of a fresh one. A fresh
   * 4 MB array a Pilatus 1M frame costs ~6 ms of page faults and zeroing, a third of its integration.
   */
  pixels?: (n: number) => Int32Array;
}

function decodeBinary(layout: CbfLayout, binary: Uint8Array, path: string, options: CbfReadOptions): Frame {
  const [rows, cols] = layout.shape;
  const n = rows * cols;
  if (binary.length < layout.binarySize) {
    throw new InputError(
      path,
      `truncated CBF: binary section has ${binary.length} of ${layout.binarySize} bytes`,
    );
  }
  if ((options.checkMd5 ?? true) && layout.md5) {
    const got = md5Base64(binary);
    if (got !== layout.md5) {
      throw new InputError(
        path,
        `CBF Content-MD5 mismatch (header ${layout.md5}, data ${got}): corrupt binary section`,
      );
    }
  }
  let data: PixelArray;
  if (layout.compression === "none") {
    data = fromBytes(binary, 0, n, layout.dtype, layout.littleEndian);
  } else {
    const reused = (layout.dtype === "int32" || layout.dtype === "uint32") && options.pixels?.(n);
    data = reused
      ? layout.dtype === "int32"
        ? reused
        : new Uint32Array(reused.buffer, reused.byteOffset, n)
      : allocate(layout.dtype, n);
    const wide = data instanceof Int32Array || data instanceof Uint32Array;
    const target = wide ? new Int32Array(data.buffer, data.byteOffset, n) : new Int32Array(n);
    const { decoded, consumed } =
      (!referenceWanted() && decodeByteOffsetWasm(binary, target)) || decodeByteOffset(binary, target);
    if (decoded < n) {
      throw new InputError(
        path,
        `CBF binary data ends after ${decoded} of ${rows}×${cols} = ${n} pixels (truncated data or wrong dimensions in header)`,
      );
    }
    if (consumed < binary.length) {
      throw new InputError(
        path,
        `CBF binary data holds ${binary.length - consumed} bytes more than ${rows}×${cols} pixels need (wrong dimensions in header?)`,
      );
    }
    if (!wide) data.set(target);
  }
  return { data, shape: [rows, cols], dtype: layout.dtype, metadata: { ...layout.metadata } };
}

/** Decode a whole CBF file held in memory. */
export function decodeCbf(bytes: Uint8Array, path: string, options: CbfReadOptions = {}): Frame {
  const src = memorySource(bytes, path);
  const layout = readLayout(src);
  return decodeBinary(layout, src.read(layout.binaryOffset, layout.binarySize), path, options);
}

/**
 * Open a CBF file: the header is read and checked now (shape, dtype, metadata, size of the
 * binary section against the file size); the pixels are read and decoded by `readFrame(0)`.
 */
export async function openCbf(path: string, options: CbfReadOptions = {}): Promise<FrameSource> {
  const src = fileSource(path);
  let layout: CbfLayout;
  try {
    layout = readLayout(src);
  } catch (err) {
    src.close();
    throw err;
  }
  return {
    format: "cbf",
    path,
    frameCount: 1,
    shape: layout.shape,
    dtype: layout.dtype,
    metadata: layout.metadata,
    async readFrame(index: number) {
      if (index !== 0) throw new RangeError(`${path}: frame ${index} out of range (CBF files hold 1 frame)`);
      const binary = await src.readAsync(layout.binaryOffset, layout.binarySize);
      return decodeBinary(layout, binary, path, options);
    },
    close: () => src.close(),
  };
}

// ---------------------------------------------------------------------------------------------
// Writing

const ELEMENT_TYPE_NAME: Partial<Record<Dtype, string>> = {
  int8: "signed 8-bit integer",
  uint8: "unsigned 8-bit integer",
  int16: "signed 16-bit integer",
  uint16: "unsigned 16-bit integer",
  int32: "signed 32-bit integer",
  uint32: "unsigned 32-bit integer",
};

/**
 * A CBF file for an integer frame: a Pilatus-style miniCBF header (from `metadata`, default the
 * frame's own) and one byte-offset binary section with Content-MD5 and zero padding.
 * `name` becomes the CIF data block name.
 */
export function encodeCbf(frame: Frame, metadata: Metadata = frame.metadata, name = "image"): Uint8Array {
  const typeName = ELEMENT_TYPE_NAME[frame.dtype];
  const [rows, cols] = frame.shape;
  if (!typeName) throw new InputError("", `CBF byte-offset stores integer pixels only, not ${frame.dtype}`);
  if (dtypeOf(frame.data) !== frame.dtype || frame.data.length !== rows * cols) {
    throw new Error(
      `frame data (${dtypeOf(frame.data)}[${frame.data.length}]) does not match ${frame.dtype} ${rows}×${cols}`,
    );
  }
  const binary = encodeByteOffset(frame.data);
  const crlf = "\r\n";
  const headerLines = pilatusHeaderLines(metadata);
  const block = name.replace(/[^\w.-]+/g, "_") || "image";
  const text: string[] = ["###CBF: VERSION 1.5, operando-swaxs", "", `data_${block}`, ""];
  if (headerLines.length > 0) {
    text.push(
      '_array_data.header_convention "PILATUS_1.2"',
      "_array_data.header_contents",
      ";",
      ...headerLines,
      ";",
      "",
    );
  }
  text.push(
    "_array_data.data",
    ";",
    "--CIF-BINARY-FORMAT-SECTION--",
    "Content-Type: application/octet-stream;",
    '     conversions="x-CBF_BYTE_OFFSET"',
    "Content-Transfer-Encoding: BINARY",
    `X-Binary-Size: ${binary.length}`,
    "X-Binary-ID: 1",
    `X-Binary-Element-Type: "${typeName}"`,
    "X-Binary-Element-Byte-Order: LITTLE_ENDIAN",
    `Content-MD5: ${md5Base64(binary)}`,
    `X-Binary-Number-of-Elements: ${rows * cols}`,
    `X-Binary-Size-Fastest-Dimension: ${cols}`,
    `X-Binary-Size-Second-Dimension: ${rows}`,
    `X-Binary-Size-Padding: ${WRITE_PADDING}`,
    "",
  );
  const head = Buffer.from(text.join(crlf) + crlf, "latin1");
  const tail = Buffer.from(`${crlf}--CIF-BINARY-FORMAT-SECTION----${crlf};${crlf}${crlf}`, "latin1");
  const out = new Uint8Array(head.length + START_MARKER.length + binary.length + WRITE_PADDING + tail.length);
  let p = 0;
  out.set(head, p);
  p += head.length;
  out.set(START_MARKER, p);
  p += START_MARKER.length;
  out.set(binary, p);
  p += binary.length + WRITE_PADDING; // padding stays zero
  out.set(tail, p);
  return out;
}

/** Write `frame` as a byte-offset CBF file (see encodeCbf). */
export async function writeCbf(
  path: string,
  frame: Frame,
  metadata: Metadata = frame.metadata,
): Promise<void> {
  if (!ELEMENT_TYPE_NAME[frame.dtype]) {
    throw new InputError(path, `CBF byte-offset stores integer pixels only, not ${frame.dtype}`);
  }
  await fsp.writeFile(path, encodeCbf(frame, metadata, nodePath.basename(path).replace(/\.cbf$/i, "")));
}
