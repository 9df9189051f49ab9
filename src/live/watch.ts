/**
 * Watch a folder for frame files and report each one once, when it is complete (ready.ts): a
 * detector writing a file in several pieces raises many file-system events, and a copy can sit
 * half-written; the watcher re-checks a file at every event and every `pollMs` until it is ready.
 * File-system events come from chokidar (inotify/FSEvents; `usePolling` for network file systems
 * such as NFS or GPFS, where events from the writing host do not reach the reading one).
 */
import { EventEmitter } from "node:events";
import { statSync } from "node:fs";
import { extname, resolve } from "node:path";
import { type FSWatcher, watch } from "chokidar";
import { InputError } from "../util/errors.js";
import { type FrameReadiness, frameReadiness } from "./ready.js";

export const FRAME_EXTENSIONS = [".cbf", ".edf", ".tif", ".tiff"] as const;

export interface FrameWatcherOptions {
  /** Which files are frames (default: the FRAME_EXTENSIONS, any case). */
  accept?: (path: string) => boolean;
  /** Re-check a file that is not ready after this long without events [ms] (default 100). */
  pollMs?: number;
  /** The size-stability pause of ready.ts [ms] (default 50). */
  settleMs?: number;
  /** Also report the files already there when watching starts (default true). */
  includeExisting?: boolean;
  /** Poll the file system instead of OS events (network file systems). */
  usePolling?: boolean;
  /** Sub-folder depth watched (default 0: the folder itself). */
  depth?: number;
}

export interface FrameEvent {
  /** The frame file, absolute. */
  path: string;
  readiness: FrameReadiness;
  /** When it was found ready [ms, Date.now()]. */
  readyAtMs: number;
}

interface Pending {
  timer: NodeJS.Timeout | null;
  checking: boolean;
  again: boolean;
}

/** Emits "frame" (FrameEvent) once per complete frame file and "error" (Error). */
export class FrameWatcher extends EventEmitter<{ frame: [FrameEvent]; error: [Error] }> {
  private readonly fsw: FSWatcher;
  private readonly done = new Set<string>();
  private readonly pending = new Map<string, Pending>();
  private readonly accept: (path: string) => boolean;
  private closed = false;
  /** Resolves once the initial scan is done (then every later file raises events). */
  readonly ready: Promise<void>;

  constructor(
    readonly dir: string,
    private readonly o: FrameWatcherOptions = {},
  ) {
    super();
    let isDir = false;
    try {
      isDir = statSync(dir).isDirectory();
    } catch {}
    // chokidar would wait silently on a missing folder: say so instead
    if (!isDir) throw new InputError(dir, "no such folder to watch for frames");
    this.accept =
      o.accept ?? ((p) => (FRAME_EXTENSIONS as readonly string[]).includes(extname(p).toLowerCase()));
    this.fsw = watch(resolve(dir), {
      ignoreInitial: o.includeExisting === false,
      depth: o.depth ?? 0,
      usePolling: o.usePolling ?? false,
      interval: o.pollMs ?? 100,
    });
    const onPath = (p: string) => {
      if (this.accept(p)) this.check(resolve(p));
    };
    this.fsw.on("add", onPath);
    this.fsw.on("change", onPath);
    this.fsw.on("error", (err) => this.emit("error", err instanceof Error ? err : new Error(String(err))));
    this.ready = new Promise((ok) => this.fsw.once("ready", () => ok()));
  }

  /** Frames reported so far. */
  get reported(): number {
    return this.done.size;
  }

  private check(path: string): void {
    if (this.closed || this.done.has(path)) return;
    let p = this.pending.get(path);
    if (!p) {
      p = { timer: null, checking: false, again: false };
      this.pending.set(path, p);
    }
    if (p.timer) {
      clearTimeout(p.timer);
      p.timer = null;
    }
    if (p.checking) {
      p.again = true;
      return;
    }
    p.checking = true;
    const entry = p;
    frameReadiness(path, this.o.settleMs === undefined ? {} : { settleMs: this.o.settleMs })
      .then((r) => {
        entry.checking = false;
        if (this.closed || this.done.has(path)) return;
        if (r.ready) {
          this.done.add(path);
          this.pending.delete(path);
          this.emit("frame", { path, readiness: r, readyAtMs: Date.now() });
          return;
        }
        if (entry.again) {
          entry.again = false;
          this.check(path);
        } else entry.timer = setTimeout(() => this.check(path), this.o.pollMs ?? 100);
      })
      .catch((err: unknown) => {
        entry.checking = false;
        this.emit("error", err instanceof Error ? err : new Error(String(err)));
      });
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const p of this.pending.values()) if (p.timer) clearTimeout(p.timer);
    this.pending.clear();
    await this.fsw.close();
  }
}
