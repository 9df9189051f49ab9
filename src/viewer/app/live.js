/**
 * Live updates: listens to the server's `/api/events` stream (server-sent events, events.ts) and,
 * when the results folder changes, drops the cached slices and lets the app refresh its panels.
 * Shows the reduction lag of a following run (live_status.csv, results/schema.ts liveStatus):
 * how far the results trail the newest frame found on disk, and how long ago they were written.
 */
import { byId } from "./dom.js";

/**
 * @typedef {{ updatedS: number, state: string, framesLogged: number, framesReduced: number,
 *   newestFrameS: number, newestLandedS: number }} LiveStatus
 * @typedef {{ seq: number, files?: string[], status: LiveStatus | null }} ResultsEvent
 */

/**
 * The lag indicator's text for a status at `nowS` [Unix s]; "" when there is no live run.
 * @param {LiveStatus | null} s
 * @param {number} nowS
 */
export function lagText(s, nowS) {
  if (!s) return "";
  const behind = s.framesLogged - s.framesReduced;
  const lag = s.updatedS - s.newestLandedS;
  const parts = [`${s.state}`];
  if (Number.isFinite(lag)) parts.push(`reduction lag ${lag.toFixed(1)} s`);
  parts.push(`${s.framesReduced}/${s.framesLogged} frames${behind > 0 ? ` (${behind} behind)` : ""}`);
  if (Number.isFinite(s.updatedS)) parts.push(`updated ${Math.max(0, nowS - s.updatedS).toFixed(0)} s ago`);
  return parts.join(" · ");
}

/**
 * Start listening; `onResults` runs once per change event (never two at a time: a change during a
 * refresh runs it once more afterwards).
 * @param {(ev: ResultsEvent) => Promise<void>} onResults
 */
export function listenLive(onResults) {
  if (typeof EventSource === "undefined") return;
  const el = byId("live-lag");
  /** @type {LiveStatus | null} */
  let status = null;
  const show = () => {
    el.textContent = lagText(status, Date.now() / 1000);
    el.hidden = el.textContent === "";
    el.classList.toggle("late", status?.state === "following" && status.updatedS - status.newestLandedS > 5);
  };
  setInterval(show, 1000);
  let busy = false;
  /** @type {ResultsEvent | null} */
  let queued = null;
  /** @param {ResultsEvent} ev */
  const run = async (ev) => {
    if (busy) {
      queued = ev;
      return;
    }
    busy = true;
    try {
      await onResults(ev);
    } finally {
      busy = false;
      const next = queued;
      queued = null;
      if (next) await run(next);
    }
  };
  const source = new EventSource("/api/events");
  source.addEventListener("hello", (e) => {
    status = /** @type {ResultsEvent} */ (JSON.parse(/** @type {MessageEvent} */ (e).data)).status;
    show();
  });
  source.addEventListener("results", (e) => {
    const ev = /** @type {ResultsEvent} */ (JSON.parse(/** @type {MessageEvent} */ (e).data));
    status = ev.status;
    show();
    run(ev).catch((err) => console.error(err));
  });
}
