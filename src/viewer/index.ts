/** `swaxs view`: a local web server and browser app for a results folder of `swaxs run`. */
export type { DetectorInfo, PhaseReflections, Reflections, Summary } from "./api.js";
export { startViewer, type Viewer, type ViewerOptions } from "./server.js";
