/** Live mode's building blocks: complete-frame detection, growing inputs, SWMR stacks, watching, replay. */

export { type CyclerSnapshot, CyclerTail } from "./cycler-tail.js";
export {
  type FrameKind,
  type FrameReadiness,
  type FrameReadyOptions,
  frameKind,
  frameReadiness,
  readyPrefix,
} from "./ready.js";
export { type ReplayedFrame, type ReplayOptions, type ReplayReport, replayExperiment } from "./replay.js";
export { ScanLogTail } from "./scanlog-tail.js";
export { refreshFrames } from "./swmr.js";
export { FRAME_EXTENSIONS, type FrameEvent, FrameWatcher, type FrameWatcherOptions } from "./watch.js";
