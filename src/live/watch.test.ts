/**
 * The folder watcher with files that grow while it watches: real CBF, EDF and TIFF frames
 * (fabio fixtures, a Pilatus 1M TIFF) written in pieces with pauses, as a detector writes them.
 * Each file must be reported once, and read at that moment it must give fabio's pixels.
 */
import { createHash } from "node:crypto";
import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { gunzipSync } from "node:zlib";
import { afterAll, describe, expect, it } from "vitest";
import { toBytes } from "../formats/dtype.js";
import { openFrames } from "../formats/index.js";
import { type FrameEvent, FrameWatcher } from "./watch.js";

const FIX = fileURLToPath(new URL("../../test/fixtures/", import.meta.url));
const EXPECTED = JSON.parse(readFileSync(join(FIX, "fabio/expected.json"), "utf8")).files as Record<
  string,
  { sha256: string; frames?: { sha256: string }[] }
>;
const CEO2 = JSON.parse(readFileSync(join(FIX, "ceo2/CeO2_Pilatus1M.tif.decoded_stats.json"), "utf8"));
const tmp = mkdtempSync(join(tmpdir(), "swaxs-live-watch-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const sleep = (ms: number) => new Promise((ok) => setTimeout(ok, ms));

async function hashes(path: string): Promise<string[]> {
  const src = await openFrames(path);
  try {
    const out: string[] = [];
    for (let i = 0; i < src.frameCount; i++)
      out.push(
        createHash("sha256")
          .update(toBytes((await src.readFrame(i)).data, true))
          .digest("hex"),
      );
    return out;
  } finally {
    src.close();
  }
}

/** Write `bytes` to `path` in `pieces` appends, `pauseMs` apart. */
async function writeSlowly(path: string, bytes: Uint8Array, pieces: number, pauseMs: number) {
  const step = Math.ceil(bytes.length / pieces);
  writeFileSync(path, bytes.subarray(0, step));
  for (let p = step; p < bytes.length; p += step) {
    await sleep(pauseMs);
    appendFileSync(path, bytes.subarray(p, p + step));
  }
}

describe("FrameWatcher", () => {
  it("reports each frame once, when complete, while it is written in pieces", async () => {
    const dir = join(tmp, "frames");
    mkdirSync(dir);
    const early = readFileSync(join(FIX, "fabio/fabio_uint16.cbf"));
    writeFileSync(join(dir, "early_00000.cbf"), early); // there before watching starts
    writeFileSync(join(dir, "notes.txt"), "not a frame");
    const w = new FrameWatcher(dir, { pollMs: 40, settleMs: 30 });
    const seen: { ev: FrameEvent; hashes: string[] }[] = [];
    const reads: Promise<void>[] = [];
    w.on("frame", (ev) => {
      // read it at once, as the run would
      reads.push(hashes(ev.path).then((h) => void seen.push({ ev, hashes: h })));
    });
    await w.ready;
    const files: [string, Uint8Array, string[]][] = [
      [
        "saxs_00001.cbf",
        readFileSync(join(FIX, "fabio/fabio_int32.cbf")),
        [EXPECTED["fabio_int32.cbf"]!.sha256],
      ],
      [
        "stack_00002.edf",
        readFileSync(join(FIX, "fabio/fabio_stack_u16.edf")),
        EXPECTED["fabio_stack_u16.edf"]!.frames!.map((f) => f.sha256),
      ],
      [
        "waxs_00003.tif",
        gunzipSync(readFileSync(join(FIX, "ceo2/CeO2_Pilatus1M.tif.gz"))),
        [CEO2.sha256_of_little_endian_bytes_row_major],
      ],
    ];
    for (const [name, bytes] of files) await writeSlowly(join(dir, name), bytes, 5, 60);
    for (let i = 0; i < 100 && seen.length < 4; i++) await sleep(50);
    await sleep(300); // and nothing more comes
    await Promise.all(reads);
    await w.close();
    const byName = new Map(seen.map((s) => [s.ev.path.slice(dir.length + 1), s]));
    expect([...byName.keys()].sort()).toEqual(["early_00000.cbf", ...files.map((f) => f[0])].sort());
    expect(seen.length).toBe(4); // once each
    expect(byName.get("early_00000.cbf")!.hashes).toEqual([EXPECTED["fabio_uint16.cbf"]!.sha256]);
    for (const [name, , want] of files) expect(byName.get(name)!.hashes, name).toEqual(want);
    expect(w.reported).toBe(4);
  }, 30_000);
});
