/**
 * Baseline TIFF reader for detector images (TIFF 6.0 specification, Adobe 1992, sections 2
 * "TIFF Structure", 3 "Bilevel/Grayscale" and 19 "Data Sample Format"): uncompressed, one sample
 * per pixel, 8/16/32-bit integers (SampleFormat 1 unsigned, 2 signed) or 32/64-bit IEEE floats
 * (SampleFormat 3), in strips, either byte order. Pilatus camserver writes signed 32-bit images
 * this way with its "# Pixel_size …" header in ImageDescription (parsed like the CBF header).
 *
 * Each full-resolution IFD (image file directory) is a frame; reduced-resolution IFDs
 * (NewSubfileType bit 0, thumbnails) are skipped. Tags this reader does not need are never
 * dereferenced: Pilatus files carry EXIF tags whose offsets point outside the file.
 *
 * `encodeTiff` writes the same subset; it exists for tests and benchmarks and for exporting masks.
 */
import * as fsp from "node:fs/promises";
import { InputError } from "../util/errors.js";
import { type ByteSource, fileSource, latin1, memorySource, startsWithAscii } from "./bytes.js";
import { bytesPerElement, dtypeOf, fromBytes, isFloat, isSigned, toBytes } from "./dtype.js";
import { coerce, parsePilatusHeader } from "./metadata.js";
import type { Dtype, Frame, FrameSource, Metadata } from "./types.js";

const TAG = {
  NewSubfileType: 254,
  ImageWidth: 256,
  ImageLength: 257,
  BitsPerSample: 258,
  Compression: 259,
  Photometric: 262,
  ImageDescription: 270,
  Make: 271,
  Model: 272,
  StripOffsets: 273,
  SamplesPerPixel: 277,
  RowsPerStrip: 278,
  StripByteCounts: 279,
  PlanarConfiguration: 284,
  Software: 305,
  DateTime: 306,
  Artist: 315,
  TileWidth: 322,
  SampleFormat: 339,
} as const;

const COMPRESSION_NAMES: Record<number, string> = {
  2: "CCITT Huffman",
  3: "CCITT T.4",
  4: "CCITT T.6",
  5: "LZW",
  6: "old-style JPEG",
  7: "JPEG",
  8: "Deflate",
  32773: "PackBits",
  32946: "Deflate (PKZIP)",
  34925: "LZMA",
  50000: "Zstandard",
};

/** Bytes per value of each TIFF field type (1 BYTE … 12 DOUBLE, 16-18 BigTIFF 64-bit types). */
const TYPE_SIZE: Record<number, number> = {
  1: 1,
  2: 1,
  3: 2,
  4: 4,
  5: 8,
  6: 1,
  7: 1,
  8: 2,
  9: 4,
  10: 8,
  11: 4,
  12: 8,
  13: 4,
};

/** True for the TIFF byte-order marks "II*\0" (little-endian) and "MM\0*" (big-endian). */
export function sniffTiff(firstBytes: Uint8Array): boolean {
  return startsWithAscii(firstBytes, "II*\0") || startsWithAscii(firstBytes, "MM\0*");
}

interface Entry {
  type: number;
  count: number;
  /** File offset of the value(s): inside the entry when they fit in 4 bytes. */
  valueOffset: number;
}

interface TiffPage {
  shape: [number, number];
  dtype: Dtype;
  littleEndian: boolean;
  strips: { offset: number; length: number }[];
  metadata: Metadata;
}

// ---------------------------------------------------------------------------------------------
// Directory parsing

class Reader {
  constructor(
    readonly src: ByteSource,
    readonly little: boolean,
  ) {}

  bytes(offset: number, length: number, what: string): Uint8Array {
    const b = this.src.read(offset, length);
    if (b.length < length) {
      throw new InputError(
        this.src.path,
        `TIFF ${what} at offset ${offset} (${length} bytes) lies beyond the end of the file (${this.src.size} bytes)`,
      );
    }
    return b;
  }

  view(offset: number, length: number, what: string): DataView {
    const b = this.bytes(offset, length, what);
    return new DataView(b.buffer, b.byteOffset, b.byteLength);
  }

  /** All numeric values of an entry (BYTE, SHORT, LONG, RATIONAL → number). */
  numbers(e: Entry, what: string): number[] {
    const size = TYPE_SIZE[e.type];
    if (size === undefined)
      throw new InputError(this.src.path, `TIFF tag ${what} has unknown field type ${e.type}`);
    const dv = this.view(e.valueOffset, size * e.count, `tag ${what}`);
    const out: number[] = new Array(e.count);
    for (let i = 0; i < e.count; i++) {
      const o = i * size;
      switch (e.type) {
        case 1:
        case 7:
          out[i] = dv.getUint8(o);
          break;
        case 6:
          out[i] = dv.getInt8(o);
          break;
        case 3:
          out[i] = dv.getUint16(o, this.little);
          break;
        case 8:
          out[i] = dv.getInt16(o, this.little);
          break;
        case 4:
        case 13:
          out[i] = dv.getUint32(o, this.little);
          break;
        case 9:
          out[i] = dv.getInt32(o, this.little);
          break;
        case 5:
          out[i] = dv.getUint32(o, this.little) / dv.getUint32(o + 4, this.little);
          break;
        case 10:
          out[i] = dv.getInt32(o, this.little) / dv.getInt32(o + 4, this.little);
          break;
        case 11:
          out[i] = dv.getFloat32(o, this.little);
          break;
        case 12:
          out[i] = dv.getFloat64(o, this.little);
          break;
        default:
          throw new InputError(this.src.path, `TIFF tag ${what} has non-numeric field type ${e.type}`);
      }
    }
    return out;
  }

  ascii(e: Entry, what: string): string {
    return latin1(this.bytes(e.valueOffset, e.count, `tag ${what}`)).replace(/\0+$/, "");
  }
}

function readDirectory(r: Reader, offset: number): { entries: Map<number, Entry>; next: number } {
  const path = r.src.path;
  if (offset + 2 > r.src.size) {
    throw new InputError(
      path,
      `TIFF IFD offset ${offset} is beyond the end of the file (${r.src.size} bytes)`,
    );
  }
  const count = r.view(offset, 2, "IFD").getUint16(0, r.little);
  const dv = r.view(offset + 2, count * 12 + 4, `IFD with ${count} entries`);
  const entries = new Map<number, Entry>();
  for (let i = 0; i < count; i++) {
    const o = i * 12;
    const tag = dv.getUint16(o, r.little);
    const type = dv.getUint16(o + 2, r.little);
    const n = dv.getUint32(o + 4, r.little);
    const size = (TYPE_SIZE[type] ?? 0) * n;
    const valueOffset = size <= 4 ? offset + 2 + o + 8 : dv.getUint32(o + 8, r.little);
    entries.set(tag, { type, count: n, valueOffset });
  }
  return { entries, next: dv.getUint32(count * 12, r.little) };
}

/** Interpret one IFD; null for a reduced-resolution image (thumbnail) that is not a frame. */
function readPage(r: Reader, entries: Map<number, Entry>, pageIndex: number): TiffPage | null {
  const path = r.src.path;
  const nums = (tag: number, name: string): number[] | undefined => {
    const e = entries.get(tag);
    return e ? r.numbers(e, name) : undefined;
  };
  const one = (tag: number, name: string, fallback?: number): number => {
    const v = nums(tag, name)?.[0] ?? fallback;
    if (v === undefined) throw new InputError(path, `TIFF page ${pageIndex} lacks the ${name} tag`);
    return v;
  };
  if ((one(TAG.NewSubfileType, "NewSubfileType", 0) & 1) === 1) return null;

  const cols = one(TAG.ImageWidth, "ImageWidth");
  const rows = one(TAG.ImageLength, "ImageLength");
  if (rows === 0 || cols === 0)
    throw new InputError(path, `TIFF page ${pageIndex} has an empty dimension (${rows}×${cols})`);
  const compression = one(TAG.Compression, "Compression", 1);
  if (compression !== 1) {
    const name = COMPRESSION_NAMES[compression] ?? "unknown";
    throw new InputError(
      path,
      `TIFF compression ${compression} (${name}) is unsupported; only uncompressed TIFF is read`,
    );
  }
  const spp = one(TAG.SamplesPerPixel, "SamplesPerPixel", 1);
  if (spp !== 1)
    throw new InputError(
      path,
      `TIFF page ${pageIndex} has ${spp} samples per pixel; only grayscale images are read`,
    );
  if (entries.has(TAG.TileWidth))
    throw new InputError(path, `TIFF page ${pageIndex} is tiled; only strips are read`);
  const bits = one(TAG.BitsPerSample, "BitsPerSample", 1);
  const format = one(TAG.SampleFormat, "SampleFormat", 1);
  const dtype = pixelType(bits, format);
  if (!dtype) {
    throw new InputError(
      path,
      `TIFF page ${pageIndex}: ${bits}-bit samples with SampleFormat ${format} are unsupported`,
    );
  }

  const offsets = nums(TAG.StripOffsets, "StripOffsets");
  if (!offsets || offsets.length === 0)
    throw new InputError(path, `TIFF page ${pageIndex} lacks StripOffsets`);
  const rowsPerStrip = Math.min(one(TAG.RowsPerStrip, "RowsPerStrip", rows), rows);
  const rowBytes = cols * bytesPerElement(dtype);
  const expectedStrips = Math.ceil(rows / Math.max(1, rowsPerStrip));
  if (offsets.length < expectedStrips) {
    throw new InputError(
      path,
      `TIFF page ${pageIndex} has ${offsets.length} strips; ${expectedStrips} are needed for ${rows} rows`,
    );
  }
  // StripByteCounts is required by the spec, but when missing the sizes follow from the layout.
  const counts = nums(TAG.StripByteCounts, "StripByteCounts");
  const strips = offsets.slice(0, expectedStrips).map((offset, i) => {
    const stripRows = Math.min(rowsPerStrip, rows - i * rowsPerStrip);
    const need = stripRows * rowBytes;
    const have = counts?.[i] ?? need;
    if (have < need) {
      throw new InputError(path, `TIFF page ${pageIndex} strip ${i} holds ${have} bytes; ${need} are needed`);
    }
    if (offset + need > r.src.size) {
      throw new InputError(
        path,
        `truncated TIFF: page ${pageIndex} strip ${i} (${need} bytes at offset ${offset}) lies beyond the end of the file (${r.src.size} bytes)`,
      );
    }
    return { offset, length: need };
  });

  const metadata: Metadata = {};
  const text = (tag: number, name: string) => {
    const e = entries.get(tag);
    if (e && e.type === 2 && e.count > 0) metadata[name] = coerce(r.ascii(e, name));
  };
  text(TAG.ImageDescription, "ImageDescription");
  text(TAG.Make, "Make");
  text(TAG.Model, "Model");
  text(TAG.Software, "Software");
  text(TAG.DateTime, "DateTime");
  text(TAG.Artist, "Artist");
  const desc = metadata["ImageDescription"];
  if (typeof desc === "string" && /^\s*#/m.test(desc)) Object.assign(metadata, parsePilatusHeader(desc));

  return { shape: [rows, cols], dtype, littleEndian: r.little, strips, metadata };
}

function pixelType(bits: number, format: number): Dtype | null {
  if (format === 3) return bits === 32 ? "float32" : bits === 64 ? "float64" : null;
  if (format !== 1 && format !== 2 && format !== 4) return null;
  const signed = format === 2;
  switch (bits) {
    case 8:
      return signed ? "int8" : "uint8";
    case 16:
      return signed ? "int16" : "uint16";
    case 32:
      return signed ? "int32" : "uint32";
    default:
      return null;
  }
}

function indexTiff(src: ByteSource): TiffPage[] {
  const path = src.path;
  const head = src.read(0, 8);
  if (!sniffTiff(head)) {
    if (startsWithAscii(head, "II+\0") || startsWithAscii(head, "MM\0+")) {
      throw new InputError(path, "BigTIFF is unsupported");
    }
    throw new InputError(path, 'not a TIFF file (does not start with "II*\\0" or "MM\\0*")');
  }
  if (head.length < 8) throw new InputError(path, "truncated TIFF: file ends inside the 8-byte header");
  const little = head[0] === 0x49;
  const r = new Reader(src, little);
  let next = new DataView(head.buffer, head.byteOffset, 8).getUint32(4, little);
  const pages: TiffPage[] = [];
  const seen = new Set<number>();
  let ifdIndex = 0;
  while (next !== 0) {
    if (seen.has(next)) throw new InputError(path, `TIFF IFD chain loops back to offset ${next}`);
    seen.add(next);
    const { entries, next: after } = readDirectory(r, next);
    const page = readPage(r, entries, ifdIndex++);
    if (page) pages.push(page);
    next = after;
  }
  if (pages.length === 0) throw new InputError(path, "TIFF file holds no full-resolution image");
  const first = pages[0]!;
  pages.forEach((p, i) => {
    if (p.shape[0] !== first.shape[0] || p.shape[1] !== first.shape[1] || p.dtype !== first.dtype) {
      throw new InputError(
        path,
        `TIFF page ${i} is ${p.dtype} ${p.shape[0]}×${p.shape[1]} but page 0 is ${first.dtype} ${first.shape[0]}×${first.shape[1]}; mixed pages are unsupported`,
      );
    }
  });
  return pages;
}

/**
 * Bytes a TIFF file needs: the end of the furthest IFD, strip or tile (StripOffsets/TileOffsets
 * 273/324 plus StripByteCounts/TileByteCounts 279/325) its IFD chain names; null while the header,
 * an IFD or the offset/count arrays are not in the file yet (libtiff writes the IFD after the
 * pixels). For a file still being written (live mode, src/live/); nothing is decoded here.
 */
export function tiffDeclaredBytes(path: string): number | null {
  const src = fileSource(path);
  try {
    const head = src.read(0, 8);
    if (head.length < 8 || !sniffTiff(head)) return null;
    const little = head[0] === 0x49;
    const r = new Reader(src, little);
    let next = new DataView(head.buffer, head.byteOffset, 8).getUint32(4, little);
    let end = 8;
    const seen = new Set<number>();
    while (next !== 0 && !seen.has(next)) {
      seen.add(next);
      if (next + 2 > src.size) return null;
      const count = r.view(next, 2, "IFD").getUint16(0, little);
      if (next + 2 + count * 12 + 4 > src.size) return null;
      end = Math.max(end, next + 2 + count * 12 + 4);
      const { entries, next: after } = readDirectory(r, next);
      for (const [offsetsTag, countsTag] of [
        [273, 279],
        [324, 325],
      ] as const) {
        const o = entries.get(offsetsTag);
        const c = entries.get(countsTag);
        if (!o || !c) continue;
        const offsets = r.numbers(o, "offsets");
        const counts = r.numbers(c, "byte counts");
        offsets.forEach((off, i) => {
          end = Math.max(end, off + (counts[i] ?? 0));
        });
      }
      next = after;
    }
    return end;
  } catch (err) {
    // an offset or count array beyond the end of the file: not written yet
    if (err instanceof InputError && /beyond the end/.test(err.message)) return null;
    throw err;
  } finally {
    src.close();
  }
}

// ---------------------------------------------------------------------------------------------
// Reading

/** The strips of a page are usually contiguous: then one read covers them all. */
function contiguous(page: TiffPage): boolean {
  return page.strips.every(
    (s, i) => i === 0 || s.offset === page.strips[i - 1]!.offset + page.strips[i - 1]!.length,
  );
}

function toFrame(path: string, page: TiffPage, parts: Uint8Array[]): Frame {
  const [rows, cols] = page.shape;
  const need = rows * cols * bytesPerElement(page.dtype);
  let bytes = parts[0]!;
  if (parts.length > 1) {
    bytes = new Uint8Array(parts.reduce((n, x) => n + x.length, 0));
    let p = 0;
    for (const x of parts) {
      bytes.set(x, p);
      p += x.length;
    }
  }
  if (bytes.length < need)
    throw new InputError(path, `truncated TIFF: pixel data ends after ${bytes.length} of ${need} bytes`);
  const data = fromBytes(bytes, 0, rows * cols, page.dtype, page.littleEndian);
  return { data, shape: [rows, cols], dtype: page.dtype, metadata: { ...page.metadata } };
}

function spans(page: TiffPage): { offset: number; length: number }[] {
  if (!contiguous(page)) return page.strips;
  const first = page.strips[0]!;
  return [{ offset: first.offset, length: page.strips.reduce((n, s) => n + s.length, 0) }];
}

/** Decode every page of a TIFF file held in memory. */
export function decodeTiff(bytes: Uint8Array, path: string): Frame[] {
  const src = memorySource(bytes, path);
  return indexTiff(src).map((page) =>
    toFrame(
      path,
      page,
      spans(page).map((s) => src.read(s.offset, s.length)),
    ),
  );
}

/** Open a TIFF file: the directories are read and checked now, pixels on `readFrame`. */
export async function openTiff(path: string): Promise<FrameSource> {
  const src = fileSource(path);
  let pages: TiffPage[];
  try {
    pages = indexTiff(src);
  } catch (err) {
    src.close();
    throw err;
  }
  const first = pages[0]!;
  return {
    format: "tiff",
    path,
    frameCount: pages.length,
    shape: first.shape,
    dtype: first.dtype,
    metadata: { ...first.metadata },
    async readFrame(i: number) {
      const page = pages[i];
      if (!Number.isInteger(i) || !page)
        throw new RangeError(`${path}: frame ${i} out of range (${pages.length} frames)`);
      const parts: Uint8Array[] = [];
      for (const s of spans(page)) parts.push(await src.readAsync(s.offset, s.length));
      return toFrame(path, page, parts);
    },
    close: () => src.close(),
  };
}

// ---------------------------------------------------------------------------------------------
// Writing (minimal: uncompressed strips, one page per frame)

export interface TiffWriteOptions {
  littleEndian?: boolean;
  /** Rows per strip (default: all rows in one strip). */
  rowsPerStrip?: number;
  /** Written as ImageDescription of every page (e.g. a Pilatus "# …" header). */
  description?: string;
}

export function encodeTiff(frames: Frame | Frame[], options: TiffWriteOptions = {}): Uint8Array {
  const list = Array.isArray(frames) ? frames : [frames];
  const little = options.littleEndian ?? true;
  const desc = options.description ? Buffer.from(`${options.description}\0`, "latin1") : null;
  // Layout per page: [IFD][strip offsets][strip counts][description][pixels]; 2-byte alignment.
  const chunks: { offset: number; bytes: Uint8Array }[] = [];
  let end = 8;
  const align = () => {
    end += end & 1;
  };
  const ifdOffsets: number[] = [];
  for (const frame of list) {
    const [rows, cols] = frame.shape;
    if (dtypeOf(frame.data) !== frame.dtype || frame.data.length !== rows * cols) {
      throw new Error(
        `frame data (${dtypeOf(frame.data)}[${frame.data.length}]) is not ${frame.dtype} ${rows}×${cols}`,
      );
    }
    const rps = Math.max(1, Math.min(options.rowsPerStrip ?? rows, rows));
    const nStrips = Math.ceil(rows / rps);
    const rowBytes = cols * frame.data.BYTES_PER_ELEMENT;
    const pixels = toBytes(frame.data, little);
    const tags: [number, number, number[]][] = []; // tag, type, values (offsets patched below)
    const nEntries = 10 + (desc ? 1 : 0);
    align();
    const ifd = end;
    ifdOffsets.push(ifd);
    end += 2 + nEntries * 12 + 4;
    const offsetsAt = end;
    end += nStrips > 1 ? nStrips * 4 : 0;
    const countsAt = end;
    end += nStrips > 1 ? nStrips * 4 : 0;
    let descAt = 0;
    if (desc) {
      descAt = end;
      end += desc.length;
    }
    align();
    const pixelsAt = end;
    end += pixels.length;
    const stripOffsets = Array.from({ length: nStrips }, (_, i) => pixelsAt + i * rps * rowBytes);
    const stripCounts = Array.from({ length: nStrips }, (_, i) => Math.min(rps, rows - i * rps) * rowBytes);
    const format = isFloat(frame.dtype) ? 3 : isSigned(frame.dtype) ? 2 : 1;
    tags.push(
      [TAG.ImageWidth, 4, [cols]],
      [TAG.ImageLength, 4, [rows]],
      [TAG.BitsPerSample, 3, [bytesPerElement(frame.dtype) * 8]],
      [TAG.Compression, 3, [1]],
      [TAG.Photometric, 3, [1]],
      [TAG.StripOffsets, 4, stripOffsets],
      [TAG.SamplesPerPixel, 3, [1]],
      [TAG.RowsPerStrip, 4, [rps]],
      [TAG.StripByteCounts, 4, stripCounts],
      [TAG.SampleFormat, 3, [format]],
    );
    if (desc) tags.push([TAG.ImageDescription, 2, [desc.length]]);
    tags.sort((a, b) => a[0] - b[0]);
    const ifdBytes = new Uint8Array(2 + nEntries * 12 + 4);
    const dv = new DataView(ifdBytes.buffer);
    dv.setUint16(0, nEntries, little);
    tags.forEach(([tag, type, values], i) => {
      const o = 2 + i * 12;
      dv.setUint16(o, tag, little);
      dv.setUint16(o + 2, type, little);
      if (type === 2) {
        dv.setUint32(o + 4, desc!.length, little);
        dv.setUint32(o + 8, descAt, little);
      } else if (values.length === 1) {
        dv.setUint32(o + 4, 1, little);
        if (type === 3) dv.setUint16(o + 8, values[0]!, little);
        else dv.setUint32(o + 8, values[0]!, little);
      } else {
        dv.setUint32(o + 4, values.length, little);
        dv.setUint32(o + 8, tag === TAG.StripOffsets ? offsetsAt : countsAt, little);
      }
    });
    chunks.push({ offset: ifd, bytes: ifdBytes });
    if (nStrips > 1) {
      const so = new DataView(new ArrayBuffer(nStrips * 8));
      for (let i = 0; i < nStrips; i++) {
        so.setUint32(i * 4, stripOffsets[i]!, little);
        so.setUint32(nStrips * 4 + i * 4, stripCounts[i]!, little);
      }
      chunks.push({ offset: offsetsAt, bytes: new Uint8Array(so.buffer) });
    }
    if (desc) chunks.push({ offset: descAt, bytes: desc });
    chunks.push({ offset: pixelsAt, bytes: pixels });
  }
  const out = new Uint8Array(end);
  const dv = new DataView(out.buffer);
  out.set(little ? [0x49, 0x49, 42, 0] : [0x4d, 0x4d, 0, 42], 0);
  dv.setUint32(4, ifdOffsets[0]!, little);
  for (const c of chunks) out.set(c.bytes, c.offset);
  // Chain the IFDs: each one's "next IFD" field is its last 4 bytes.
  ifdOffsets.forEach((ifd, i) => {
    const n = dv.getUint16(ifd, little);
    dv.setUint32(ifd + 2 + n * 12, ifdOffsets[i + 1] ?? 0, little);
  });
  return out;
}

export async function writeTiff(
  path: string,
  frames: Frame | Frame[],
  options: TiffWriteOptions = {},
): Promise<void> {
  await fsp.writeFile(path, encodeTiff(frames, options));
}
