/**
 * `/api/events` with a real HTTP client (fetch reading the event stream): a page listening sees a
 * `results` event after files of the results folder change, once per burst, carrying the changed
 * files and live_status.csv as written; and the server answers from the changed results after it.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tinyResults } from "../../test/support/results.js";
import { type LiveStatus, liveStatusCsv, parseCsv, RESULTS, writeLiveStatus } from "../results/index.js";
import { columnsOf } from "../results/schema.js";
import { lagText } from "./app/live.js";
import { startViewer, type Viewer } from "./index.js";

let dir: string;
let v: Viewer;

beforeAll(async () => {
  dir = await tinyResults({ rows: 6, sweeps: 4 });
  v = await startViewer(dir);
}, 120_000);
afterAll(async () => {
  await v?.close();
});

/** Server-sent events read from a fetch body: name and parsed data, as they arrive. */
async function openEvents(url: string) {
  const ctrl = new AbortController();
  const res = await fetch(url, { signal: ctrl.signal });
  const got: { event: string; data: { seq: number; files?: string[]; status: LiveStatus | null } }[] = [];
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  let buf = "";
  const pump = (async () => {
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        buf += value;
        let end = buf.indexOf("\n\n");
        while (end >= 0) {
          const block = buf.slice(0, end);
          buf = buf.slice(end + 2);
          const event = /^event: (.*)$/m.exec(block)?.[1];
          const data = /^data: (.*)$/m.exec(block)?.[1];
          if (event && data) got.push({ event, data: JSON.parse(data) });
          end = buf.indexOf("\n\n");
        }
      }
    } catch {
      // aborted
    }
  })();
  const waitFor = async (n: number, ms = 5000) => {
    const t0 = Date.now();
    while (got.length < n && Date.now() - t0 < ms) await new Promise((ok) => setTimeout(ok, 20));
    return got;
  };
  const close = async () => {
    ctrl.abort();
    await pump;
  };
  return { res, got, waitFor, close };
}

describe("/api/events", () => {
  it("tells a listening client when the results folder changes, with the live status", async () => {
    const ev = await openEvents(`${v.url}api/events`);
    expect(ev.res.status).toBe(200);
    expect(ev.res.headers.get("content-type")).toMatch(/^text\/event-stream/);
    await ev.waitFor(1);
    expect(ev.got[0]).toEqual({ event: "hello", data: { seq: 0, status: null } });
    await new Promise((ok) => setTimeout(ok, 300)); // the watcher's initial scan

    const status: LiveStatus = {
      updatedS: 1_715_680_000.25,
      state: "following",
      framesLogged: 40,
      framesReduced: 38,
      newestFrameS: 1_715_670_000.5,
      newestLandedS: 1_715_679_999.5,
    };
    const t0 = Date.now();
    await writeLiveStatus(dir, status);
    // a batch rewrites frames.csv too (same content here, so the summary stays valid)
    writeFileSync(join(dir, "frames.csv"), readFileSync(join(dir, "frames.csv")));
    const got = await ev.waitFor(2);
    const latencyMs = Date.now() - t0;
    expect(got[1]!.event).toBe("results");
    expect(got[1]!.data.seq).toBe(1);
    expect(got[1]!.data.files).toEqual(["frames.csv", "live_status.csv"]);
    expect(got[1]!.data.status).toEqual(status);
    expect(latencyMs).toBeLessThan(1500);
    // one burst, one event
    await new Promise((ok) => setTimeout(ok, 500));
    expect(ev.got.length).toBe(2);
    // the server answers from the reopened results
    const summary = await (await fetch(`${v.url}api/summary`)).json();
    expect(summary.grid.rows).toBe(6);
    await ev.close();
  }, 20_000);
});

describe("live_status.csv", () => {
  it("is written with the schema's columns and read back as written", async () => {
    const s: LiveStatus = {
      updatedS: 100.5,
      state: "stopped",
      framesLogged: 3,
      framesReduced: 3,
      newestFrameS: 90,
      newestLandedS: 99.75,
    };
    const rows = parseCsv(liveStatusCsv(s));
    expect(rows[0]).toEqual(columnsOf(RESULTS.liveStatus));
    expect(rows[1]).toEqual([
      "1970-01-01T00:01:40.500Z",
      "stopped",
      "3",
      "3",
      "1970-01-01T00:01:30.000Z",
      "1970-01-01T00:01:39.750Z",
      "0.75",
    ]);
    expect(lagText(s, 110)).toBe("stopped · reduction lag 0.8 s · 3/3 frames · updated 10 s ago");
    expect(lagText(null, 0)).toBe("");
  });
});
