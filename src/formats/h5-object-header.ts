/**
 * The HDF5 superblock and object headers, read just far enough to list an object's header
 * messages. Layouts from the HDF5 File Format Specification version 3 (docs.hdfgroup.org,
 * "HDF5 File Format Specification", sections II.A "Superblock" and IV.A.1 "Data Object Headers"):
 *
 * - superblock versions 0/1: signature, version, …, size of offsets at byte 13, size of lengths at
 *   14; versions 2/3: size of offsets at byte 9, size of lengths at 10. The superblock may follow a
 *   user block (at 0, 512, 1024, 2048, …); HDF5 then takes the superblock's own position as the base
 *   address that every other address is relative to (H5Fsuper.c adjusts a stored base that
 *   disagrees), and so do we.
 * - object header version 1: version 1, reserved, message count (2), reference count (4), header
 *   size (4), padding to 16 bytes; messages are type (2), size (2), flags (1), reserved (3), data,
 *   each 8-byte aligned. Version 2: "OHDR", version 2, flags, optional times (flags bit 5) and
 *   attribute phase change values (bit 4), chunk #0 size in 1/2/4/8 bytes (bits 0–1), messages of
 *   type (1), size (2), flags (1), creation order (2, flags bit 2), then a checksum; continuation
 *   blocks start with "OCHK". A continuation message (0x0010) holds the next block's address and
 *   length.
 */
import { hdf5SignatureOffset } from "./h5.js";
import { Cursor, type H5Bytes, type H5Sizes, UNDEFINED } from "./h5-read.js";

export interface H5Message {
  type: number;
  /** Bit 1 (0x02): the message is shared (stored elsewhere); we do not follow those. */
  flags: number;
  data: Uint8Array;
}

const CONTINUATION = 0x0010;
/** An object header with more blocks than this is treated as corrupt (HDF5 writes a handful). */
const MAX_BLOCKS = 4096;

/** Sizes of offsets and lengths, and the base address, from the superblock. */
export function readSuperblock(file: H5Bytes): H5Sizes {
  // where h5.ts found the signature when the file was opened (0, or after a user block)
  let at: number | null;
  try {
    at = hdf5SignatureOffset(file.path);
  } catch (err) {
    return file.fail(`cannot read the superblock: ${(err as NodeJS.ErrnoException).code ?? err}`);
  }
  if (at === null || at + 32 > file.size) return file.fail("no HDF5 superblock found");
  const head = file.read(at, 32, "superblock");
  const version = head[8]!;
  const [offsets, lengths] = version <= 1 ? [head[13]!, head[14]!] : [head[9]!, head[10]!];
  if (version > 3) file.fail(`superblock version ${version} is not known`);
  if (![2, 4, 8].includes(offsets) || ![2, 4, 8].includes(lengths)) {
    file.fail(`superblock: sizes of offsets ${offsets} and lengths ${lengths} are not 2, 4 or 8`);
  }
  return { offsets, lengths, base: at };
}

/** What a walk over one object header collects. */
interface Walk {
  file: H5Bytes;
  sizes: H5Sizes;
  out: H5Message[];
  queue: { at: number; length: number }[];
  /** The version-2 header's flags (bit 2: messages carry a creation order); 0 for version 1. */
  v2Flags: number;
}

/** Every message of the object header at `address` (absolute), continuation blocks followed. */
export function readMessages(file: H5Bytes, sizes: H5Sizes, address: number): H5Message[] {
  const first = file.read(address, Math.min(16, file.size - address), "object header");
  const isV2 = first[0] === 0x4f && first[1] === 0x48 && first[2] === 0x44 && first[3] === 0x52; // OHDR
  if ((!isV2 && first[0] !== 1) || first.length < 16) {
    file.fail(`no object header at byte ${address} (version byte ${first[0]})`);
  }
  const walk: Walk = { file, sizes, out: [], queue: [], v2Flags: isV2 ? first[5]! : 0 };
  if (isV2) v2Prefix(walk, address, first);
  else v1Prefix(walk, address, first);
  const seen = new Set<number>([address]);
  while (walk.queue.length > 0) {
    const { at, length } = walk.queue.shift()!;
    if (seen.has(at)) file.fail(`object header continuation at byte ${at} is visited twice (a loop)`);
    if (seen.size >= MAX_BLOCKS) file.fail(`object header at byte ${address} has too many blocks`);
    seen.add(at);
    const block = new Cursor(
      file.read(at, length, "object header continuation"),
      file,
      "continuation",
      sizes,
    );
    if (isV2) {
      if (block.ascii(4) !== "OCHK") block.fail(`no "OCHK" signature at byte ${at}`);
      v2Messages(walk, block, length);
    } else {
      v1Messages(walk, block);
    }
  }
  return walk.out;
}

function v1Prefix(walk: Walk, address: number, first: Uint8Array): void {
  const head = new Cursor(first, walk.file, "object header", walk.sizes);
  head.skip(8);
  const size = head.u32();
  const body = walk.file.read(address + 16, size, "object header");
  v1Messages(walk, new Cursor(body, walk.file, "object header", walk.sizes));
}

function v1Messages(walk: Walk, c: Cursor): void {
  while (c.left >= 8) {
    const type = c.u16();
    const size = c.u16();
    const flags = c.u8();
    c.skip(3);
    take(walk, c, type, flags, c.sub(size));
    c.skip(Math.min((8 - (c.pos % 8)) % 8, c.left)); // messages are 8-byte aligned in version 1
  }
}

function v2Prefix(walk: Walk, address: number, first: Uint8Array): void {
  const c = new Cursor(first, walk.file, "object header", walk.sizes);
  c.skip(4);
  const version = c.u8();
  if (version !== 2) c.fail(`OHDR version ${version} is not 2`);
  const flags = c.u8();
  const prefix = 6 + (flags & 0x20 ? 16 : 0) + (flags & 0x10 ? 4 : 0);
  const width = 1 << (flags & 3);
  const head = new Cursor(
    walk.file.read(address, prefix + width, "object header"),
    walk.file,
    "object header",
  );
  head.skip(prefix);
  const size = head.uint(width);
  // chunk #0 is followed by its checksum, which v2Messages leaves out
  const body = walk.file.read(address + prefix + width, size + 4, "object header");
  v2Messages(walk, new Cursor(body, walk.file, "object header", walk.sizes), size + 4);
}

/** Messages of a version-2 block of `length` bytes (from its start), a gap and the checksum last. */
function v2Messages(walk: Walk, c: Cursor, length: number): void {
  const end = length - 4;
  const headSize = walk.v2Flags & 0x04 ? 6 : 4;
  while (c.pos + headSize <= end) {
    const type = c.u8();
    const size = c.u16();
    const flags = c.u8();
    if (walk.v2Flags & 0x04) c.skip(2);
    if (c.pos + size > end) c.fail(`message of ${size} bytes runs past its block`);
    take(walk, c, type, flags, c.sub(size));
  }
}

function take(walk: Walk, c: Cursor, type: number, flags: number, data: Uint8Array): void {
  if (type !== CONTINUATION) {
    walk.out.push({ type, flags, data });
    return;
  }
  const m = new Cursor(data, walk.file, "continuation message", walk.sizes);
  const at = m.address();
  const length = m.length();
  if (at === UNDEFINED) c.fail("continuation message without an address");
  walk.queue.push({ at, length });
}
