/** The self-contained HTML report of a results folder (`swaxs report`). */

export type { Figure } from "./figures.js";
export { type ReportResult, writeReport } from "./report.js";
