/**
 * ESRF Data Format (EDF) images, single- or multi-frame.
 *
 * A file is a sequence of blocks, each an ASCII header followed by its binary data:
 *
 *   {\n
 *   HeaderID = EH:000001:000000:000000 ;\n
 *   Image = 1 ;\n  ByteOrder = LowByteFirst ;\n  DataType = UnsignedShort ;\n
 *   Dim_1 = 981 ;\n  Dim_2 = 1043 ;\n  Size = 2046366 ;\n  … any "Key = value ;" …
 *   <spaces to pad the header to a multiple of 512 bytes>}\n
 *   <Size bytes of data, Dim_1 (fast, columns) × Dim_2 (slow, rows)>
 *
 * As described by the ESRF "EDF format" notes (A. Götz / P. Boesecke, "edfpack" keyword list)
 * and as read by fabio's edfimage: keys are case-insensitive, "SignedLong"/"UnsignedLong" are
 * 32-bit, the header ends at "}\n" (or "}\r\n"), a block that only holds "EDF_DataFormatVersion"
 * is a general header shared by all frames, and "Compression" may name gzip or zlib.
 *
 * Opening indexes the blocks by reading headers only; a frame's bytes are read when asked for,
 * so stacks larger than memory stream.
 */
import * as fsp from "node:fs/promises";
import { gunzipSync, inflateSync } from "node:zlib";
import { InputError } from "../util/errors.js";
import { type ByteSource, fileSource, latin1, memorySource } from "./bytes.js";
import { bytesPerElement, dtypeOf, fromBytes, toBytes } from "./dtype.js";
import { coerce, isBookkeepingKey, KEY, parseWithUnit } from "./metadata.js";
import type { Dtype, Frame, FrameSource, Metadata } from "./types.js";

export type EdfByteOrder = "LowByteFirst" | "HighByteFirst";

const BLOCK = 512;
const MAX_HEADER = 1 << 20;

/** EDF DataType names (upper-cased) → dtype; null = a known type this program cannot hold. */
const DATA_TYPES: Record<string, Dtype | null> = {
  SIGNEDBYTE: "int8",
  SIGNED8: "int8",
  SIGNEDCHAR: "int8",
  UNSIGNEDBYTE: "uint8",
  UNSIGNED8: "uint8",
  UNSIGNEDCHAR: "uint8",
  SIGNEDSHORT: "int16",
  SIGNED16: "int16",
  UNSIGNEDSHORT: "uint16",
  UNSIGNED16: "uint16",
  UNSIGNEDSHORTINTEGER: "uint16",
  SIGNEDINTEGER: "int32",
  SIGNED32: "int32",
  UNSIGNEDINTEGER: "uint32",
  UNSIGNED32: "uint32",
  SIGNEDLONG: "int32",
  UNSIGNEDLONG: "uint32",
  SIGNED64: null,
  UNSIGNED64: null,
  FLOATVALUE: "float32",
  FLOAT: "float32",
  FLOATIEEE32: "float32",
  FLOAT32: "float32",
  REALVALUE: "float32",
  DOUBLEVALUE: "float64",
  DOUBLE: "float64",
  FLOATIEEE64: "float64",
  DOUBLEIEEE64: "float64",
  FLOAT64: "float64",
};

const WRITE_TYPE: Record<Dtype, string> = {
  int8: "SignedByte",
  uint8: "UnsignedByte",
  int16: "SignedShort",
  uint16: "UnsignedShort",
  int32: "SignedInteger",
  uint32: "UnsignedInteger",
  float32: "FloatValue",
  float64: "DoubleValue",
};

/** True when the first bytes look like an EDF header: "{" then EDF keys within the first block. */
export function sniffEdf(firstBytes: Uint8Array): boolean {
  let i = 0;
  while (
    i < firstBytes.length &&
    (firstBytes[i] === 0x20 || firstBytes[i] === 0x0a || firstBytes[i] === 0x0d)
  )
    i++;
  if (firstBytes[i] !== 0x7b) return false;
  const text = latin1(firstBytes.subarray(i, i + 4 * BLOCK));
  return /\b(HeaderID|EDF_\w+|Dim_1|DataType|ByteOrder)\s*=/i.test(text);
}

// ---------------------------------------------------------------------------------------------
// Index

interface EdfBlock {
  /** Entries as found, in order (duplicate keys: the last wins, as in fabio). */
  header: Map<string, string>;
  dataOffset: number;
  /** Bytes of this block's data in the file (Size, or computed for uncompressed data). */
  dataSize: number;
  shape: [number, number];
  dtype: Dtype;
  littleEndian: boolean;
  compression: "none" | "gzip" | "zlib";
}

function lookup(header: Map<string, string>, key: string): string | undefined {
  const want = key.toUpperCase();
  let found: string | undefined;
  for (const [k, v] of header) if (k.toUpperCase() === want) found = v;
  return found;
}

function parseHeaderText(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of text.split(";")) {
    const eq = part.indexOf("=");
    if (eq < 0) continue;
    const key = part.slice(0, eq).replace(/^[\s\0]+|[\s\0]+$/g, "");
    const value = part.slice(eq + 1).replace(/^[\s\0]+|[\s\0]+$/g, "");
    if (key !== "") {
      out.delete(key); // keep insertion order of the last occurrence
      out.set(key, value);
    }
  }
  return out;
}

/**
 * Read the header that starts at or after `offset` (after optional whitespace).
 * Returns null at a clean end of file.
 */
function readHeader(
  src: ByteSource,
  offset: number,
  index: number,
): { header: Map<string, string>; dataOffset: number } | null {
  const path = src.path;
  let chunk = src.read(offset, 4 * BLOCK);
  let i = 0;
  while (i < chunk.length && (chunk[i] === 0x20 || chunk[i] === 0x0a || chunk[i] === 0x0d || chunk[i] === 0))
    i++;
  if (i === chunk.length && offset + chunk.length >= src.size) return null;
  if (chunk[i] !== 0x7b) {
    if (index === 0) throw new InputError(path, "not an EDF file (does not start with an EDF header '{')");
    throw new InputError(
      path,
      `unexpected bytes at offset ${offset + i} after EDF frame ${index - 1} (expected '{')`,
    );
  }
  for (;;) {
    const text = latin1(chunk);
    const end = /\}\r?\n/.exec(text.slice(i));
    if (end) {
      const endAt = i + end.index;
      return {
        header: parseHeaderText(text.slice(i + 1, endAt)),
        dataOffset: offset + endAt + end[0].length,
      };
    }
    if (offset + chunk.length >= src.size) {
      throw new InputError(
        path,
        `truncated EDF: header of frame ${index} at offset ${offset} has no closing "}"`,
      );
    }
    if (chunk.length >= MAX_HEADER) {
      throw new InputError(
        path,
        `EDF header of frame ${index} at offset ${offset} is longer than ${MAX_HEADER} bytes`,
      );
    }
    chunk = src.read(offset, chunk.length * 4);
  }
}

function positiveInt(
  path: string,
  header: Map<string, string>,
  key: string,
  index: number,
): number | undefined {
  const raw = lookup(header, key);
  if (raw === undefined) return undefined;
  if (!/^\d+$/.test(raw))
    throw new InputError(path, `EDF frame ${index}: ${key} = "${raw}" is not a non-negative integer`);
  return Number(raw);
}

function blockLayout(path: string, header: Map<string, string>, dataOffset: number, index: number): EdfBlock {
  const cols = positiveInt(path, header, "Dim_1", index);
  const rows = positiveInt(path, header, "Dim_2", index) ?? 1;
  if (cols === undefined) throw new InputError(path, `EDF frame ${index} has no Dim_1`);
  const dim3 = positiveInt(path, header, "Dim_3", index);
  if (dim3 !== undefined && dim3 > 1)
    throw new InputError(path, `EDF frame ${index} is 3-D (Dim_3 = ${dim3}); unsupported`);
  if (rows === 0 || cols === 0)
    throw new InputError(path, `EDF frame ${index} has an empty dimension (${rows}×${cols})`);

  const typeName = lookup(header, "DataType");
  if (typeName === undefined) throw new InputError(path, `EDF frame ${index} has no DataType`);
  const dtype = DATA_TYPES[typeName.toUpperCase()];
  if (dtype === undefined) throw new InputError(path, `EDF frame ${index}: unknown DataType "${typeName}"`);
  if (dtype === null)
    throw new InputError(path, `EDF frame ${index}: DataType ${typeName} (64-bit integers) is unsupported`);

  const order = lookup(header, "ByteOrder");
  let littleEndian: boolean;
  if (order === undefined) {
    if (bytesPerElement(dtype) > 1) throw new InputError(path, `EDF frame ${index} has no ByteOrder`);
    littleEndian = true;
  } else if (/^LowByteFirst$/i.test(order)) littleEndian = true;
  else if (/^HighByteFirst$/i.test(order)) littleEndian = false;
  else
    throw new InputError(
      path,
      `EDF frame ${index}: ByteOrder "${order}" is not LowByteFirst or HighByteFirst`,
    );

  const comp = (lookup(header, "Compression") ?? "NONE").toUpperCase();
  let compression: EdfBlock["compression"];
  if (comp === "" || comp.startsWith("NO")) compression = "none";
  else if (comp.includes("GZIP")) compression = "gzip";
  else if (comp === "Z" || comp.includes("ZLIB") || comp === "ZCOMPRESSION") compression = "zlib";
  else throw new InputError(path, `EDF frame ${index}: Compression "${comp}" is unsupported`);

  const need = rows * cols * bytesPerElement(dtype);
  const size = positiveInt(path, header, "Size", index) ?? positiveInt(path, header, "EDF_BinarySize", index);
  if (size === undefined && compression !== "none") {
    throw new InputError(path, `EDF frame ${index} is compressed but has no Size`);
  }
  if (compression === "none" && size !== undefined && size < need) {
    throw new InputError(
      path,
      `EDF frame ${index}: Size ${size} is smaller than Dim_1×Dim_2 = ${cols}×${rows} ${dtype} pixels (${need} bytes)`,
    );
  }
  return {
    header,
    dataOffset,
    dataSize: size ?? need,
    shape: [rows, cols],
    dtype,
    littleEndian,
    compression,
  };
}

interface EdfIndex {
  blocks: EdfBlock[];
  general: Map<string, string>;
}

function indexEdf(src: ByteSource): EdfIndex {
  const path = src.path;
  const blocks: EdfBlock[] = [];
  const general = new Map<string, string>();
  let offset = 0;
  for (;;) {
    const h = readHeader(src, offset, blocks.length);
    if (!h) break;
    const isGeneral =
      lookup(h.header, "EDF_DataFormatVersion") !== undefined && lookup(h.header, "Dim_1") === undefined;
    if (isGeneral) {
      for (const [k, v] of h.header) general.set(k, v);
      offset = h.dataOffset + (positiveInt(path, h.header, "EDF_BinarySize", 0) ?? 0);
      continue;
    }
    const block = blockLayout(path, h.header, h.dataOffset, blocks.length);
    const end = block.dataOffset + block.dataSize;
    if (end > src.size) {
      throw new InputError(
        path,
        `truncated EDF: frame ${blocks.length} needs ${block.dataSize} data bytes at offset ${block.dataOffset} but the file ends after ${src.size - block.dataOffset}`,
      );
    }
    blocks.push(block);
    offset = end;
  }
  if (blocks.length === 0) throw new InputError(path, "EDF file holds no image (no header with Dim_1)");
  const first = blocks[0]!;
  for (let i = 1; i < blocks.length; i++) {
    const b = blocks[i]!;
    if (b.shape[0] !== first.shape[0] || b.shape[1] !== first.shape[1] || b.dtype !== first.dtype) {
      throw new InputError(
        path,
        `EDF frame ${i} is ${b.dtype} ${b.shape[0]}×${b.shape[1]} but frame 0 is ${first.dtype} ${first.shape[0]}×${first.shape[1]}; mixed frames are unsupported`,
      );
    }
  }
  return { blocks, general };
}

/**
 * Bytes an EDF file needs, from its headers: the end of the last frame's data as its header
 * declares it (Size, else Dim_1·Dim_2·type); null while the first header is not closed yet.
 * A header cut short after complete frames counts as needing one byte more than the file has.
 * For a file still being written (live mode, src/live/); a header that is complete but wrong is
 * the reader's to report, so it propagates as the reader's InputError.
 */
export function edfDeclaredBytes(path: string): number | null {
  const src = fileSource(path);
  try {
    let offset = 0;
    let frames = 0;
    for (;;) {
      let h: ReturnType<typeof readHeader>;
      try {
        h = readHeader(src, offset, frames);
      } catch (err) {
        if (!(err instanceof InputError) || !/truncated EDF/.test(err.message)) throw err;
        return frames === 0 ? null : src.size + 1;
      }
      if (!h) return frames === 0 ? null : offset;
      const isGeneral =
        lookup(h.header, "EDF_DataFormatVersion") !== undefined && lookup(h.header, "Dim_1") === undefined;
      if (isGeneral) {
        offset = h.dataOffset + (positiveInt(path, h.header, "EDF_BinarySize", 0) ?? 0);
        continue;
      }
      const block = blockLayout(path, h.header, h.dataOffset, frames++);
      offset = block.dataOffset + block.dataSize;
      if (offset >= src.size) return offset;
    }
  } finally {
    src.close();
  }
}

// ---------------------------------------------------------------------------------------------
// Metadata

/** Header → metadata: every entry (numbers where they parse) plus the SI keys of metadata.ts. */
function toMetadata(...headers: Map<string, string>[]): Metadata {
  const meta: Metadata = {};
  for (const h of headers) for (const [k, v] of h) meta[k] = coerce(v);
  const all = new Map<string, string>();
  for (const h of headers) for (const [k, v] of h) all.set(k, v);
  // Conventional SAXS keywords (Boesecke's edfpack / pyFAI): lengths in m unless a unit is given;
  // index 1 is the fast axis (Dim_1, columns), so PSize_1 is our pixel2 (column pitch).
  const set = (key: string, edfKey: string, unit: string) => {
    if (meta[key] !== undefined) return;
    const raw = lookup(all, edfKey);
    const v = raw === undefined ? null : parseWithUnit(raw, unit);
    if (v !== null) meta[key] = v;
  };
  set(KEY.wavelengthM, "WaveLength", "m");
  set(KEY.distanceM, "SampleDistance", "m");
  set(KEY.pixel2M, "PSize_1", "m");
  set(KEY.pixel1M, "PSize_2", "m");
  set(KEY.beamXPx, "Center_1", "");
  set(KEY.beamYPx, "Center_2", "");
  for (const k of ["ExposureTime", "Exposure_time", "count_time", "acq_expo_time"])
    set(KEY.exposureTimeS, k, "s");
  return meta;
}

/** Metadata shared by every frame: the general header plus entries equal in all frame headers. */
function commonMetadata(index: EdfIndex): Metadata {
  const [first, ...rest] = index.blocks;
  const common = new Map<string, string>();
  for (const [k, v] of first!.header) {
    if (rest.every((b) => b.header.get(k) === v)) common.set(k, v);
  }
  return toMetadata(index.general, common);
}

// ---------------------------------------------------------------------------------------------
// Reading

function decodeBlock(
  block: EdfBlock,
  bytes: Uint8Array,
  path: string,
  index: number,
  general: Map<string, string>,
): Frame {
  if (bytes.length < block.dataSize) {
    throw new InputError(
      path,
      `truncated EDF: frame ${index} has ${bytes.length} of ${block.dataSize} data bytes`,
    );
  }
  const [rows, cols] = block.shape;
  const need = rows * cols * bytesPerElement(block.dtype);
  let raw = bytes;
  if (block.compression !== "none") {
    try {
      raw = block.compression === "gzip" ? gunzipSync(bytes) : inflateSync(bytes);
    } catch (err) {
      throw new InputError(
        path,
        `EDF frame ${index}: ${block.compression} data is corrupt (${(err as Error).message})`,
      );
    }
    if (raw.length < need) {
      throw new InputError(
        path,
        `EDF frame ${index}: decompressed data has ${raw.length} bytes, ${need} needed`,
      );
    }
  }
  const data = fromBytes(raw, 0, rows * cols, block.dtype, block.littleEndian);
  return { data, shape: [rows, cols], dtype: block.dtype, metadata: toMetadata(general, block.header) };
}

/** Decode every frame of an EDF file held in memory. */
export function decodeEdf(bytes: Uint8Array, path: string): Frame[] {
  const src = memorySource(bytes, path);
  const index = indexEdf(src);
  return index.blocks.map((b, i) =>
    decodeBlock(b, src.read(b.dataOffset, b.dataSize), path, i, index.general),
  );
}

/** Open an EDF file: all headers are read and checked now, frame data on `readFrame`. */
export async function openEdf(path: string): Promise<FrameSource> {
  const src = fileSource(path);
  let index: EdfIndex;
  try {
    index = indexEdf(src);
  } catch (err) {
    src.close();
    throw err;
  }
  const first = index.blocks[0]!;
  return {
    format: "edf",
    path,
    frameCount: index.blocks.length,
    shape: first.shape,
    dtype: first.dtype,
    metadata: commonMetadata(index),
    async readFrame(i: number) {
      const block = index.blocks[i];
      if (!Number.isInteger(i) || !block) {
        throw new RangeError(`${path}: frame ${i} out of range (${index.blocks.length} frames)`);
      }
      const bytes = await src.readAsync(block.dataOffset, block.dataSize);
      return decodeBlock(block, bytes, path, i, index.general);
    },
    close: () => src.close(),
  };
}

// ---------------------------------------------------------------------------------------------
// Writing

export interface EdfWriteOptions {
  byteOrder?: EdfByteOrder;
  /** Also write each frame's own metadata (after `header`'s entries are applied). Default true. */
  frameMetadata?: boolean;
}

const KEY_OK = /^[A-Za-z_][\w.\-[\]]*$/;

/** A value as it may appear in an EDF header: one line, no ";" "{" "}" (they end entries/headers). */
function headerValue(v: string | number): string {
  return String(v)
    .replace(/[\r\n;{}]+/g, " ")
    .trim();
}

/**
 * EDF bytes for one or more frames; `header` entries go into every frame header (they override
 * the frame's own metadata of the same key). Layout keys (ByteOrder, DataType, Dim_n, Size, …) are
 * always this writer's own, and other formats' bookkeeping (CBF MIME keys, TIFF ImageDescription)
 * is dropped (see isBookkeepingKey). Each header is padded to a multiple of 512 bytes.
 */
export function encodeEdf(
  frames: Frame | Frame[],
  header: Metadata = {},
  options: EdfWriteOptions = {},
): Uint8Array {
  const list = Array.isArray(frames) ? frames : [frames];
  const order = options.byteOrder ?? "LowByteFirst";
  const little = order === "LowByteFirst";
  const parts: Uint8Array[] = [];
  list.forEach((frame, i) => {
    const [rows, cols] = frame.shape;
    if (dtypeOf(frame.data) !== frame.dtype || frame.data.length !== rows * cols) {
      throw new Error(
        `frame ${i}: data (${dtypeOf(frame.data)}[${frame.data.length}]) is not ${frame.dtype} ${rows}×${cols}`,
      );
    }
    const data = toBytes(frame.data, little);
    const entries = new Map<string, string>([
      ["HeaderID", `EH:${String(i + 1).padStart(6, "0")}:000000:000000`],
      ["Image", String(i + 1)],
      ["ByteOrder", order],
      ["DataType", WRITE_TYPE[frame.dtype]],
      ["Dim_1", String(cols)],
      ["Dim_2", String(rows)],
      ["Size", String(data.length)],
    ]);
    const extra: Metadata = { ...(options.frameMetadata === false ? {} : frame.metadata), ...header };
    for (const [k, v] of Object.entries(extra)) {
      if (isBookkeepingKey(k) || !KEY_OK.test(k)) continue;
      const value = headerValue(v);
      if (value !== "") entries.set(k, value);
    }
    let text = "{\n";
    for (const [k, v] of entries) text += `${k} = ${v} ;\n`;
    const padded = Math.ceil((text.length + 2) / BLOCK) * BLOCK;
    text += `${" ".repeat(padded - text.length - 2)}}\n`;
    parts.push(Buffer.from(text, "latin1"), data);
  });
  return Buffer.concat(parts);
}

/** Write one or more frames as an EDF file (see encodeEdf). */
export async function writeEdf(
  path: string,
  frames: Frame | Frame[],
  header: Metadata = {},
  options: EdfWriteOptions = {},
): Promise<void> {
  await fsp.writeFile(path, encodeEdf(frames, header, options));
}
