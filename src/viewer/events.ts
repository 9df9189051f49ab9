/**
 * `/api/events`: server-sent events that tell open pages when the results folder changes, so a
 * page following a live run (`swaxs run --follow`) refreshes itself. The folder is watched (chokidar)
 * only while a page listens; changes are gathered until `debounceMs` pass without one (at most
 * `maxWaitMs` after the first), because a run rewrites several files per batch and a page should
 * refresh once. Each event carries the changed files and live_status.csv (schema.ts liveStatus).
 *
 *   event: results
 *   data: {"seq":3,"files":["frames.csv","maps/Li2S_sod50.csv"],"status":{…} | null}
 */
import type { ServerResponse } from "node:http";
import { relative, sep } from "node:path";
import { type FSWatcher, watch } from "chokidar";
import { type LiveStatus, readLiveStatus } from "../results/index.js";

export interface ResultsEventsOptions {
  /** Quiet time that ends a burst of changes [ms] (default 200). */
  debounceMs?: number;
  /** Longest wait from a burst's first change to its event [ms] (default 1000). */
  maxWaitMs?: number;
  /** Runs before each event (the server reopens its results reader); an error skips the event. */
  beforeEvent?: () => Promise<void>;
}

/** Comment lines keep idle connections open through proxies and tell dead clients apart. */
const HEARTBEAT_MS = 15_000;

export class ResultsEvents {
  private readonly clients = new Set<ServerResponse>();
  private watcher: FSWatcher | null = null;
  private readonly changed = new Set<string>();
  private timer: NodeJS.Timeout | null = null;
  private firstChangeMs = 0;
  private heartbeat: NodeJS.Timeout | null = null;
  private seq = 0;

  constructor(
    private readonly root: string,
    private readonly o: ResultsEventsOptions = {},
  ) {}

  /** Keep `res` open as an event stream; the first event says hello with the current status. */
  async subscribe(res: ServerResponse): Promise<void> {
    res.writeHead(200, {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-store",
      connection: "keep-alive",
    });
    this.clients.add(res);
    res.on("close", () => {
      this.clients.delete(res);
      if (this.clients.size === 0) this.stop();
    });
    this.start();
    res.write(
      `retry: 2000\nevent: hello\ndata: ${JSON.stringify({ seq: this.seq, status: await this.status() })}\n\n`,
    );
  }

  private async status(): Promise<LiveStatus | null> {
    try {
      return await readLiveStatus(this.root);
    } catch {
      return null; // a status being replaced or malformed: the next event brings it
    }
  }

  private start(): void {
    if (this.watcher) return;
    this.watcher = watch(this.root, {
      ignoreInitial: true,
      depth: 3,
      // the temporary names files are written under before their rename
      ignored: (p: string) => /\.tmp$|\.swp$|~$/.test(p),
    });
    const onChange = (p: string) => this.touch(p);
    for (const e of ["add", "change", "unlink"] as const) this.watcher.on(e, onChange);
    this.heartbeat = setInterval(() => {
      for (const c of this.clients) c.write(": keep-alive\n\n");
    }, HEARTBEAT_MS);
  }

  private stop(): void {
    if (this.timer) clearTimeout(this.timer);
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.timer = null;
    this.heartbeat = null;
    this.changed.clear();
    const w = this.watcher;
    this.watcher = null;
    w?.close().catch(() => {});
  }

  private touch(path: string): void {
    const now = Date.now();
    if (this.changed.size === 0) this.firstChangeMs = now;
    this.changed.add(relative(this.root, path).split(sep).join("/"));
    if (this.timer) clearTimeout(this.timer);
    const wait = Math.min(this.o.debounceMs ?? 200, this.firstChangeMs + (this.o.maxWaitMs ?? 1000) - now);
    this.timer = setTimeout(
      () => {
        this.fire().catch(() => {});
      },
      Math.max(0, wait),
    );
  }

  private async fire(): Promise<void> {
    this.timer = null;
    const files = [...this.changed].sort();
    this.changed.clear();
    if (files.length === 0 || this.clients.size === 0) return;
    try {
      await this.o.beforeEvent?.();
    } catch {
      return; // results mid-rewrite: the run's next change brings another event
    }
    const data = JSON.stringify({ seq: ++this.seq, files, status: await this.status() });
    for (const c of this.clients) c.write(`event: results\ndata: ${data}\n\n`);
  }

  /** End every stream and stop watching. */
  close(): void {
    for (const c of this.clients) c.end();
    this.clients.clear();
    this.stop();
  }
}
