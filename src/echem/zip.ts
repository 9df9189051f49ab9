/**
 * The members of a zip archive (Neware's `.ndax` is one), read through its central directory.
 *
 * Layout, from PKWARE's APPNOTE.TXT (sections 4.3.6–4.3.16), little-endian:
 *   end of central directory (EOCD, at most 65 535 + 22 bytes from the end):
 *     0x06054b50, disk numbers (2 × u16), entries here u16, entries u16, directory size u32,
 *     directory offset u32, comment length u16, comment
 *   central directory entry: 0x02014b50, versions (2 × u16), flags u16, method u16, time/date
 *     (2 × u16), crc32 u32, compressed size u32, size u32, name/extra/comment lengths (3 × u16),
 *     disk u16, attributes (u16 + u32), local header offset u32, then name, extra, comment
 *   local header: 0x04034b50, … , name length u16 at +26, extra length u16 at +28, data at +30+n+e
 * A size or offset of 0xFFFFFFFF in an entry is given instead by its Zip64 extra field (id 0x0001:
 * size, compressed size, offset as u64, in that order, each only where the entry has 0xFFFFFFFF;
 * APPNOTE 4.5.3): Neware's BTS 8 writes every .ndax entry so, however small. A Zip64 end record
 * (more than 65 535 members) is refused. Methods: 0 stored, 8 deflate (raw, inflated with Node's
 * zlib); encryption and other methods are refused.
 */
import { crc32, inflateRawSync } from "node:zlib";
import { InputError } from "../util/errors.js";

const EOCD_SIG = 0x06054b50;
const CENTRAL_SIG = 0x02014b50;
const LOCAL_SIG = 0x04034b50;
const EOCD_SIZE = 22;

export interface ZipMember {
  name: string;
  method: number;
  compressedSize: number;
  size: number;
  crc: number;
  /** Offset of the member's local header. */
  localAt: number;
}

/** Whether bytes start like a zip archive (a local header). */
export function isZip(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 3 && bytes[3] === 4;
}

/** The archive's members as its central directory lists them. */
export function zipMembers(bytes: Uint8Array, file: string): ZipMember[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let eocd = -1;
  for (let p = bytes.length - EOCD_SIZE; p >= 0 && p >= bytes.length - EOCD_SIZE - 0xffff; p--) {
    if (view.getUint32(p, true) === EOCD_SIG) {
      eocd = p;
      break;
    }
  }
  if (eocd < 0) throw new InputError(file, "truncated zip archive: no end-of-central-directory record");
  const count = view.getUint16(eocd + 10, true);
  const dirSize = view.getUint32(eocd + 12, true);
  const dirAt = view.getUint32(eocd + 16, true);
  if (dirAt === FULL || count === 0xffff)
    throw new InputError(file, "Zip64 archives of this size are not supported");
  if (dirAt + dirSize > eocd)
    throw new InputError(file, "corrupt zip archive: central directory out of bounds");
  const members: ZipMember[] = [];
  let p = dirAt;
  for (let k = 0; k < count; k++) {
    if (p + 46 > eocd || view.getUint32(p, true) !== CENTRAL_SIG) {
      throw new InputError(
        file,
        `corrupt zip archive: central directory entry ${k + 1} of ${count} is damaged`,
      );
    }
    const nameLength = view.getUint16(p + 28, true);
    const extraLength = view.getUint16(p + 30, true);
    const commentLength = view.getUint16(p + 32, true);
    if (p + 46 + nameLength > eocd)
      throw new InputError(file, "corrupt zip archive: a member name runs past the directory");
    const m: ZipMember = {
      name: new TextDecoder("latin1").decode(bytes.subarray(p + 46, p + 46 + nameLength)),
      method: view.getUint16(p + 10, true),
      crc: view.getUint32(p + 16, true),
      compressedSize: view.getUint32(p + 20, true),
      size: view.getUint32(p + 24, true),
      localAt: view.getUint32(p + 42, true),
    };
    const extraAt = p + 46 + nameLength;
    if (extraAt + extraLength > eocd)
      throw new InputError(file, "corrupt zip archive: an extra field runs past the directory");
    zip64(view, extraAt, extraLength, m, file);
    members.push(m);
    p += 46 + nameLength + extraLength + commentLength;
  }
  return members;
}

const FULL = 0xffffffff;

/** Replace the 0xFFFFFFFF fields of an entry by the values of its Zip64 extra field. */
function zip64(view: DataView, at: number, length: number, m: ZipMember, file: string): void {
  if (m.size !== FULL && m.compressedSize !== FULL && m.localAt !== FULL) return;
  for (let q = at; q + 4 <= at + length; ) {
    const id = view.getUint16(q, true);
    const size = view.getUint16(q + 2, true);
    if (id === 1) {
      let r = q + 4;
      const u64 = (): number => {
        if (r + 8 > q + 4 + size)
          throw new InputError(file, `corrupt zip archive: short Zip64 field for ${m.name}`);
        const v = Number(view.getBigUint64(r, true));
        r += 8;
        return v;
      };
      if (m.size === FULL) m.size = u64();
      if (m.compressedSize === FULL) m.compressedSize = u64();
      if (m.localAt === FULL) m.localAt = u64();
      return;
    }
    q += 4 + size;
  }
  throw new InputError(file, `corrupt zip archive: ${m.name} has 0xFFFFFFFF sizes and no Zip64 field`);
}

/** Size limit of one unpacked member: far above any cycler log, far below what would exhaust memory. */
const MAX_MEMBER_BYTES = 1 << 30;

/** One member's bytes, unpacked and checked against its CRC-32. */
export function zipRead(bytes: Uint8Array, m: ZipMember, file: string): Uint8Array {
  const where = `zip member ${m.name}`;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (m.localAt + 30 > bytes.length || view.getUint32(m.localAt, true) !== LOCAL_SIG) {
    throw new InputError(file, `corrupt zip archive: no local header for ${where}`);
  }
  const start = m.localAt + 30 + view.getUint16(m.localAt + 26, true) + view.getUint16(m.localAt + 28, true);
  if (start + m.compressedSize > bytes.length)
    throw new InputError(file, `truncated zip archive: ${where} runs past the end`);
  if (m.size > MAX_MEMBER_BYTES) throw new InputError(file, `${where} declares ${m.size} bytes: too large`);
  const packed = bytes.subarray(start, start + m.compressedSize);
  let out: Uint8Array;
  if (m.method === 0) out = packed;
  else if (m.method === 8) {
    try {
      out = inflateRawSync(packed, { maxOutputLength: Math.max(m.size, 1) });
    } catch (err) {
      throw new InputError(
        file,
        `corrupt zip archive: ${where} does not inflate (${(err as Error).message})`,
      );
    }
  } else
    throw new InputError(
      file,
      `${where} uses zip compression method ${m.method} (only stored and deflate are read)`,
    );
  if (out.length !== m.size || crc32(out) !== m.crc) {
    throw new InputError(file, `corrupt zip archive: ${where} fails its size/CRC-32 check`);
  }
  return out;
}
