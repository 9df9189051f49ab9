/**
 * The frame files a reader keeps open: an HDF5 stack is read frame by frame, so it stays open
 * between frames; beyond `keepOpen` files the oldest idle ones are closed. Each frame is checked
 * against its file's frame count and flipped as the PONI needs. Used by the reducer on the main
 * thread (caking) and by each FramePool worker.
 */
import {
  type Frame,
  type FrameSource,
  flipUd,
  openFrames,
  readCbfWhole,
  type Scratch,
} from "../formats/index.js";
import { InputError } from "../util/errors.js";

/** Names of files tried as CBF first (never a large HDF5 stack read whole by mistake). */
const CBF_NAME = /\.cbf$/i;

export class FrameFiles {
  private readonly open = new Map<string, { src: FrameSource; busy: number }>();
  /** CBF files are read whole into this one buffer (readCbfWhole), one after another. */
  private readonly scratch: Scratch = { bytes: new Uint8Array(0) };

  constructor(private readonly opts: { dataset?: string; flipUd: boolean; keepOpen: number }) {}

  /**
   * The frame now (synchronously), or null for `read`: a CBF (one frame a file) by the short path,
   * or a frame of an open file whose reader is synchronous (HDF5). Its pixels are decoded into this
   * reader's one reusable memory (no fresh 4 MB per Pilatus 1M frame): the frame is valid until
   * the next call, so the caller uses it before it awaits anything.
   */
  readNow(file: string, frame: number): Frame | null {
    const reuse = !this.opts.flipUd;
    const open = this.open.get(file);
    let f: Frame | null = null;
    if (open?.src.readFrameNow) {
      if (!(frame >= 0 && frame < open.src.frameCount)) return null;
      f = open.src.readFrameNow(frame, reuse ? this.scratch : undefined);
    } else if (frame === 0 && CBF_NAME.test(file) && !open)
      f = readCbfWhole(file, this.scratch, { reusePixels: reuse });
    return f && this.opts.flipUd ? flipUd(f) : f;
  }

  async read(file: string, frame: number): Promise<Frame> {
    // a CBF (one frame a file) by the short path; anything else, or a CBF it cannot read, as below
    if (frame === 0 && CBF_NAME.test(file) && !this.open.has(file)) {
      const f = readCbfWhole(file, this.scratch);
      if (f) return this.opts.flipUd ? flipUd(f) : f;
    }
    let s = this.open.get(file);
    if (!s) {
      s = { src: await openFrames(file, this.opts.dataset ? { dataset: this.opts.dataset } : {}), busy: 0 };
      this.open.set(file, s);
      this.evict(file);
    }
    if (!(frame >= 0 && frame < s.src.frameCount))
      throw new InputError(file, `frame ${frame} out of range (file has ${s.src.frameCount})`);
    s.busy++;
    try {
      const f = await s.src.readFrame(frame);
      return this.opts.flipUd ? flipUd(f) : f;
    } finally {
      s.busy--;
    }
  }

  /** Close the oldest idle files beyond `keepOpen` (never `opened`, about to be read). */
  private evict(opened: string): void {
    for (const [file, o] of this.open) {
      if (this.open.size <= this.opts.keepOpen) return;
      if (o.busy > 0 || file === opened) continue;
      o.src.close();
      this.open.delete(file);
    }
  }

  closeAll(): void {
    for (const o of this.open.values()) o.src.close();
    this.open.clear();
  }
}
