/**
 * Complete-frame detection against real files cut short, as a detector or a copy leaves them
 * mid-write: fabio-written CBF/EDF (test/fixtures/fabio) and a Pilatus 1M TIFF
 * (test/fixtures/ceo2). The oracle is independent of ready.ts: whenever a cut file is called
 * ready, its pixels hash to what fabio decoded from the whole file (expected.json,
 * decoded_stats.json); and the reader must fail on every cut called not ready.
 */
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { gunzipSync } from "node:zlib";
import { afterAll, describe, expect, it } from "vitest";
import { toBytes } from "../formats/dtype.js";
import { type Frame, openFrames } from "../formats/index.js";
import { frameReadiness, readyPrefix } from "./ready.js";

const FIX = fileURLToPath(new URL("../../test/fixtures/", import.meta.url));
const EXPECTED = JSON.parse(readFileSync(join(FIX, "fabio/expected.json"), "utf8")).files as Record<
  string,
  { sha256: string; frames?: { sha256: string }[] }
>;
const CEO2 = JSON.parse(readFileSync(join(FIX, "ceo2/CeO2_Pilatus1M.tif.decoded_stats.json"), "utf8"));
const tmp = mkdtempSync(join(tmpdir(), "swaxs-live-ready-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const sha256 = (f: Frame) => createHash("sha256").update(toBytes(f.data, true)).digest("hex");

/** The hashes of every frame of a file, or null when the reader refuses it. */
async function readHashes(path: string): Promise<string[] | null> {
  try {
    const src = await openFrames(path);
    try {
      const out: string[] = [];
      for (let i = 0; i < src.frameCount; i++) out.push(sha256(await src.readFrame(i)));
      return out;
    } finally {
      src.close();
    }
  } catch {
    return null;
  }
}

/** Cut points: every stride bytes, plus the bytes around the first readable size. */
function cuts(n: number, stride: number, around: number[]): number[] {
  const s = new Set<number>([1, n - 1, n]);
  for (let k = stride; k < n; k += stride) s.add(k);
  for (const a of around) for (let d = -2; d <= 2; d++) if (a + d > 0 && a + d <= n) s.add(a + d);
  return [...s].sort((a, b) => a - b);
}

interface Case {
  name: string;
  bytes: Buffer;
  ext: string;
  want: string[];
  stride: number;
}

const cases: Case[] = [
  ...["fabio_int32.cbf", "fabio_pilatus.cbf", "fabio_uint16.cbf"].map((name) => ({
    name,
    bytes: readFileSync(join(FIX, "fabio", name)),
    ext: ".cbf",
    want: [EXPECTED[name]!.sha256],
    stride: 97,
  })),
  {
    name: "fabio_float32.edf",
    bytes: readFileSync(join(FIX, "fabio/fabio_float32.edf")),
    ext: ".edf",
    want: [EXPECTED["fabio_float32.edf"]!.sha256],
    stride: 61,
  },
  {
    name: "fabio_stack_u16.edf",
    bytes: readFileSync(join(FIX, "fabio/fabio_stack_u16.edf")),
    ext: ".edf",
    want: EXPECTED["fabio_stack_u16.edf"]!.frames!.map((f) => f.sha256),
    stride: 53,
  },
  {
    name: "CeO2_Pilatus1M.tif",
    bytes: gunzipSync(readFileSync(join(FIX, "ceo2/CeO2_Pilatus1M.tif.gz"))),
    ext: ".tif",
    want: [CEO2.sha256_of_little_endian_bytes_row_major],
    stride: 409_600,
  },
];

describe("frameReadiness on real frame files cut short", () => {
  for (const c of cases) {
    it(`${c.name}: ready exactly when the file holds all the pixels fabio decodes`, async () => {
      const full = join(tmp, `full_${c.name}`);
      writeFileSync(full, c.bytes);
      const whole = await frameReadiness(full, { settleMs: 5 });
      expect(whole.ready).toBe(true);
      expect(await readHashes(full)).toEqual(c.want);
      const declared = whole.declaredBytes!;
      expect(declared).toBeGreaterThan(0);
      expect(declared).toBeLessThanOrEqual(c.bytes.length);
      let readyCuts = 0;
      let notReady = 0;
      for (const n of cuts(c.bytes.length, c.stride, [declared])) {
        const path = join(tmp, `cut${n}_${c.name}`);
        writeFileSync(path, c.bytes.subarray(0, n));
        const r = await frameReadiness(path, { settleMs: 5 });
        const hashes = await readHashes(path);
        if (r.ready) {
          readyCuts++;
          // never a half-written file: what it reads is fabio's whole image
          expect(hashes, `cut at ${n} of ${c.bytes.length}`).toEqual(c.want);
        } else {
          notReady++;
          expect(n).toBeLessThan(declared);
          // and nothing was held back that the reader could already read in full
          if (hashes) expect(hashes.length).toBeLessThan(c.want.length);
        }
        rmSync(path);
      }
      expect(readyCuts).toBeGreaterThan(0);
      expect(notReady).toBeGreaterThan(3);
    }, 60_000);
  }

  it("a CBF whose size still changes between the two looks is not ready", async () => {
    const bytes = readFileSync(join(FIX, "fabio/fabio_int32.cbf"));
    const path = join(tmp, "growing.cbf");
    writeFileSync(path, bytes.subarray(0, bytes.length - 1));
    const pending = frameReadiness(path, { settleMs: 100 });
    setTimeout(() => writeFileSync(path, bytes), 20);
    const r = await pending;
    expect(r.ready).toBe(false);
    expect(r.why).toBe("still growing");
    expect((await frameReadiness(path, { settleMs: 5 })).ready).toBe(true);
  });

  it("a file of another kind is ready once its size holds still", async () => {
    const path = join(tmp, "frame.dat");
    writeFileSync(path, "abc");
    expect((await frameReadiness(path, { settleMs: 5 })).ready).toBe(true);
    expect((await frameReadiness(join(tmp, "missing.dat"), { settleMs: 5 })).ready).toBe(false);
  });
});

describe("readyPrefix: the ready frames of a scan log's lines, in order", () => {
  const cbf = readFileSync(join(FIX, "fabio/fabio_int32.cbf"));
  const write = (name: string, bytes: Buffer) => {
    const p = join(tmp, name);
    writeFileSync(p, bytes);
    return p;
  };

  it("stops at the first file not complete, and pauses once for all the CBFs whatever their number", async () => {
    const whole = Array.from({ length: 30 }, (_, i) => write(`prefix_${i}.cbf`, cbf));
    const cut = write("prefix_cut.cbf", cbf.subarray(0, cbf.length - 200));
    let pauses = 0;
    const pause = async () => {
      pauses++;
    };
    expect(await readyPrefix([...whole, cut, whole[0]!], { pause })).toBe(30);
    expect(pauses).toBe(1);
    // one file as frameReadiness sees it: the same answer
    for (const p of [whole[3]!, cut]) expect((await frameReadiness(p, { pause })).ready).toBe(p !== cut);
    expect(await readyPrefix([cut, ...whole], { pause })).toBe(0);
    expect(await readyPrefix([], { pause })).toBe(0);
  });

  it("a CBF whose size moves during the pause (its closing boundary still coming) ends the prefix there", async () => {
    const files = Array.from({ length: 5 }, (_, i) => write(`moving_${i}.cbf`, cbf));
    const grow = async () => {
      writeFileSync(files[2]!, Buffer.concat([cbf, Buffer.from("\r\n--CIF-BINARY-FORMAT-SECTION----\r\n")]));
    };
    expect(await readyPrefix(files, { pause: grow })).toBe(2);
  });
});
