/**
 * Decode an 8-bit, non-interlaced PNG (grey, RGB, RGBA, grey+alpha) to RGBA, for image snapshot
 * comparisons: chunks per the PNG spec (ISO/IEC 15948), IDAT inflated with zlib, the five row
 * filters undone (None, Sub, Up, Average, Paeth).
 */
import { inflateSync } from "node:zlib";

export interface Image {
  width: number;
  height: number;
  rgba: Uint8Array;
}

const CHANNELS: Record<number, number> = { 0: 1, 2: 3, 4: 2, 6: 4 };

export function decodePng(buf: Buffer): Image {
  if (buf.readUInt32BE(0) !== 0x89504e47) throw new Error("not a PNG");
  let off = 8;
  let width = 0;
  let height = 0;
  let colour = 0;
  const idat: Buffer[] = [];
  while (off < buf.length) {
    const len = buf.readUInt32BE(off);
    const type = buf.toString("ascii", off + 4, off + 8);
    const data = buf.subarray(off + 8, off + 8 + len);
    if (type === "IHDR") {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      if (data[8] !== 8 || data[12] !== 0) throw new Error("only 8-bit, non-interlaced PNGs");
      colour = data[9]!;
    } else if (type === "IDAT") idat.push(data);
    else if (type === "IEND") break;
    off += 12 + len;
  }
  const ch = CHANNELS[colour];
  if (!ch) throw new Error(`PNG colour type ${colour} not supported`);
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * ch;
  const px = new Uint8Array(height * stride);
  for (let y = 0; y < height; y++) {
    const f = raw[y * (stride + 1)]!;
    const src = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    const o = y * stride;
    for (let x = 0; x < stride; x++) {
      const a = x >= ch ? px[o + x - ch]! : 0;
      const b = y > 0 ? px[o - stride + x]! : 0;
      const c = x >= ch && y > 0 ? px[o - stride + x - ch]! : 0;
      let pred = 0;
      if (f === 1) pred = a;
      else if (f === 2) pred = b;
      else if (f === 3) pred = (a + b) >> 1;
      else if (f === 4) {
        const p = a + b - c;
        const pa = Math.abs(p - a);
        const pb = Math.abs(p - b);
        const pc = Math.abs(p - c);
        pred = pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
      }
      px[o + x] = (src[x]! + pred) & 0xff;
    }
  }
  const rgba = new Uint8Array(width * height * 4);
  for (let i = 0; i < width * height; i++) {
    const s = px.subarray(i * ch, i * ch + ch);
    const grey = ch <= 2;
    rgba[4 * i] = s[0]!;
    rgba[4 * i + 1] = grey ? s[0]! : s[1]!;
    rgba[4 * i + 2] = grey ? s[0]! : s[2]!;
    rgba[4 * i + 3] = ch === 4 ? s[3]! : ch === 2 ? s[1]! : 255;
  }
  return { width, height, rgba };
}

/** Mean absolute difference per channel (0–255) and the fraction of pixels differing by > 64 in any channel. */
export function imageDiff(a: Image, b: Image): { mean: number; changed: number } {
  if (a.width !== b.width || a.height !== b.height) return { mean: Number.POSITIVE_INFINITY, changed: 1 };
  let sum = 0;
  let changed = 0;
  for (let i = 0; i < a.rgba.length; i += 4) {
    let big = false;
    for (let c = 0; c < 4; c++) {
      const d = Math.abs(a.rgba[i + c]! - b.rgba[i + c]!);
      sum += d;
      if (d > 64) big = true;
    }
    if (big) changed++;
  }
  return { mean: sum / a.rgba.length, changed: changed / (a.width * a.height) };
}
