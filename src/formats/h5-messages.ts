/**
 * The header messages a chunked dataset's reader needs, decoded from their bytes. Layouts from the
 * HDF5 File Format Specification version 3, section IV.A.2 (docs.hdfgroup.org):
 *
 * - Dataspace (0x0001): version 1 (rank, flags, 5 reserved bytes) or 2 (rank, flags, type); then
 *   the sizes (lengths), then maximum sizes when flags bit 0 is set.
 * - Datatype (0x0003): class in the low 4 bits of byte 0, version in the high 4; 3 bytes of class
 *   bit fields; the size (4). Fixed-point: bit 0 byte order (1 = big-endian), bit 3 signed; then bit
 *   offset (2) and precision (2). Floating-point: byte order in bits 0 and 6; bit offset,
 *   precision, exponent location and size, mantissa location and size, exponent bias.
 * - Fill value (0x0005): versions 1/2 (allocation time, write time, defined, then size + value) and
 *   3 (flags: write time in bits 2–3, undefined bit 4, defined bit 5; then size + value); the old
 *   fill value message (0x0004) is a size and a value.
 * - Filter pipeline (0x000B): version 1 (names padded to 8 bytes, client data padded to an even
 *   count) and version 2 (no name below id 256, no padding).
 * - Data layout (0x0008): version 3 chunked (rank + 1, B-tree address, 4-byte chunk sizes whose last
 *   is the element size) and version 4 chunked (flags, rank + 1, encoded size width, chunk sizes,
 *   index type, its parameters, the index address).
 */
import { Cursor, type H5Bytes, type H5Sizes } from "./h5-read.js";

export const MSG = { dataspace: 0x1, datatype: 0x3, fillOld: 0x4, fill: 0x5, layout: 0x8, filters: 0xb };

export interface H5Type {
  /** "int" | "uint" | "float" */
  kind: "int" | "uint" | "float";
  size: number;
  bigEndian: boolean;
}

export interface H5Filter {
  id: number;
  cdValues: number[];
}

/** Where a chunked dataset's chunk index is, and which kind it is. */
export interface H5ChunkLayout {
  /** Chunk sizes in elements, one per dataset dimension (the element-size entry removed). */
  chunk: number[];
  /** Bytes per element, as the layout message records it. */
  elementSize: number;
  index:
    | { kind: "btree1"; address: number }
    | { kind: "single"; address: number; filteredSize: number | null; filterMask: number }
    | { kind: "fixed-array"; address: number; pageBits: number };
}

/** Dataset dimensions: current sizes, and maximum sizes (-1 unlimited; the current ones if absent). */
export function dataspace(
  file: H5Bytes,
  sizes: H5Sizes,
  data: Uint8Array,
): { dims: number[]; max: number[] } {
  const c = new Cursor(data, file, "dataspace message", sizes);
  const version = c.u8();
  const rank = c.u8();
  const flags = c.u8();
  if (version === 1) c.skip(5);
  else if (version === 2) {
    if (c.u8() !== 1) c.fail("not a simple dataspace");
  } else c.fail(`version ${version} is not known`);
  if (rank > 32) c.fail(`rank ${rank} exceeds HDF5's 32`);
  const dims = Array.from({ length: rank }, () => c.length());
  if (!(flags & 1)) return { dims, max: dims };
  const max = Array.from({ length: rank }, () => {
    const ones = c.bytes.subarray(c.pos, c.pos + sizes.lengths).every((b) => b === 0xff);
    if (ones) c.skip(sizes.lengths);
    return ones ? -1 : c.length();
  });
  return { dims, max };
}

/** The element type, or a reason it is not one we decode (strings, compounds, odd layouts). */
export function datatype(file: H5Bytes, data: Uint8Array): H5Type | string {
  const c = new Cursor(data, file, "datatype message");
  const head = c.u8();
  const cls = head & 0x0f;
  const bits = c.u8() | (c.u8() << 8) | (c.u8() << 16);
  const size = c.u32();
  const offset = c.u16();
  const precision = c.u16();
  if (offset !== 0 || precision !== size * 8) return `bit offset ${offset}, precision ${precision}`;
  if (cls === 0) {
    if (![1, 2, 4, 8].includes(size)) return `integer of ${size} bytes`;
    return { kind: bits & 0x08 ? "int" : "uint", size, bigEndian: (bits & 1) === 1 };
  }
  if (cls === 1) {
    const ieee = size === 4 ? [23, 8, 0, 23, 127] : size === 8 ? [52, 11, 0, 52, 1023] : null;
    const found = [c.u8(), c.u8(), c.u8(), c.u8(), c.u32()];
    if (!ieee || found.some((v, i) => v !== ieee[i])) return `float of ${size} bytes, not IEEE`;
    if (bits & 0x40) return "VAX float order";
    return { kind: "float", size, bigEndian: (bits & 1) === 1 };
  }
  return `datatype class ${cls}`;
}

/**
 * The fill value's bytes (file byte order) when one is set, `null` for HDF5's default (zeros), or
 * "never" when HDF5 writes no fill value (an unwritten chunk then reads as whatever was in memory).
 */
export function fillValue(file: H5Bytes, type: number, data: Uint8Array): Uint8Array | null | "never" {
  const c = new Cursor(data, file, "fill value message");
  if (type === MSG.fillOld) {
    const size = c.u32();
    return size === 0 ? null : c.sub(size);
  }
  const version = c.u8();
  if (version === 1 || version === 2) {
    c.u8(); // space allocation time
    const write = c.u8();
    const defined = c.u8();
    if (write === 1) return "never";
    if (!defined) return null; // version 1 stores a size even then; it is not needed
    const size = c.u32();
    return size === 0 ? null : c.sub(size);
  }
  if (version !== 3) c.fail(`version ${version} is not known`);
  const flags = c.u8();
  if (((flags >> 2) & 3) === 1 || flags & 0x10) return "never"; // write time "never", or undefined
  if (!(flags & 0x20)) return null;
  const size = c.u32();
  return size === 0 ? null : c.sub(size);
}

export function filterPipeline(file: H5Bytes, data: Uint8Array): H5Filter[] {
  const c = new Cursor(data, file, "filter pipeline message");
  const version = c.u8();
  const count = c.u8();
  if (version === 1) c.skip(6);
  else if (version !== 2) c.fail(`version ${version} is not known`);
  const out: H5Filter[] = [];
  for (let k = 0; k < count; k++) {
    const id = c.u16();
    const nameLength = version === 1 || id >= 256 ? c.u16() : 0;
    c.u16(); // flags (optional filter)
    const values = c.u16();
    c.skip(nameLength);
    const cdValues = Array.from({ length: Math.min(values, c.left / 4) }, () => c.u32());
    if (cdValues.length < values) c.fail(`filter ${id} declares ${values} client values`);
    if (version === 1 && values % 2 === 1) c.skip(4);
    out.push({ id, cdValues });
  }
  return out;
}

/** The chunk layout, or a reason it is not one we read (contiguous, compact, other indexes). */
export function chunkLayout(file: H5Bytes, sizes: H5Sizes, data: Uint8Array): H5ChunkLayout | string {
  const c = new Cursor(data, file, "data layout message", sizes);
  const version = c.u8();
  if (version < 3) return `data layout version ${version}`;
  if (version > 4) c.fail(`version ${version} is not known`);
  const cls = c.u8();
  if (cls !== 2) return cls === 0 ? "compact storage" : cls === 1 ? "contiguous storage" : "virtual dataset";
  if (version === 3) {
    const dims = c.u8();
    const address = c.address();
    const all = Array.from({ length: dims }, () => c.u32());
    return split(c, all, { kind: "btree1", address });
  }
  const flags = c.u8();
  const dims = c.u8();
  const width = c.u8();
  if (width < 1 || width > 8) c.fail(`chunk size width ${width}`);
  const all = Array.from({ length: dims }, () => c.uint(width));
  const kind = c.u8();
  if (kind === 1) {
    const filtered = flags & 0x02 ? { size: c.length(), mask: c.u32() } : null;
    const address = c.address();
    return split(c, all, {
      kind: "single",
      address,
      filteredSize: filtered?.size ?? null,
      filterMask: filtered?.mask ?? 0,
    });
  }
  if (kind === 3) {
    const pageBits = c.u8();
    return split(c, all, { kind: "fixed-array", address: c.address(), pageBits });
  }
  const names: Record<number, string> = { 2: "implicit", 4: "extensible array", 5: "version-2 B-tree" };
  return `chunk index "${names[kind] ?? kind}" is not read directly`;
}

function split(c: Cursor, all: number[], index: H5ChunkLayout["index"]): H5ChunkLayout {
  if (all.length < 2) c.fail(`${all.length} chunk dimensions`);
  const chunk = all.slice(0, -1);
  if (chunk.some((d) => d < 1)) c.fail(`chunk size ${chunk.join("x")}`);
  return { chunk, elementSize: all[all.length - 1]!, index };
}
