/**
 * When the initial-OCV frames are in (issue 11): the regions are labelled from each pixel's
 * initial-OCV curves and transmission alone (regions-stage.ts), and those frames come first in the
 * scan log, so the run labels them while the later frames are still being reduced, on a main
 * thread that would otherwise wait, rather than after every frame. Each detector's records are
 * stored in log order (reduce-stage.ts), so its OCV frames are in once its store holds the record
 * of its last one.
 */
import type { ScanLog } from "../scan/index.js";
import type { DetectorFrames } from "./reduce-stage.js";

export class OcvGate {
  /** Per detector: records to wait for (1 + the store index of its last initial-OCV frame). */
  private readonly need = new Map<string, number>();
  private readonly ready = new Map<string, DetectorFrames>();
  private resolve: (dets: DetectorFrames[]) => void = () => {};
  /** Every detector's frames (their stores still growing), once all hold their OCV frames. */
  readonly done: Promise<DetectorFrames[]>;

  constructor(
    log: ScanLog,
    inOcv: (i: number) => boolean,
    private readonly names: string[] = log.detectors(),
  ) {
    this.done = new Promise((r) => {
      this.resolve = r;
    });
    for (const name of names) {
      let k = 0;
      let need = 0;
      for (let i = 0; i < log.length; i++) {
        if (log.detector[i] !== name) continue;
        if (inOcv(i)) need = k + 1;
        k++;
      }
      this.need.set(name, need);
    }
  }

  /** reduce-stage's onRecords: detector `d` has `stored` records. */
  onRecords = (d: DetectorFrames, stored: number): void => {
    if (this.ready.has(d.name) || stored < (this.need.get(d.name) ?? 0)) return;
    this.ready.set(d.name, d);
    if (this.ready.size === this.names.length) this.resolve(this.names.map((n) => this.ready.get(n)!));
  };
}
