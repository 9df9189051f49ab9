import { cpSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { request } from "node:http";
import { type AddressInfo, connect } from "node:net";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tinyResults } from "../../test/support/results.js";
import { openH5 } from "../formats/h5.js";
import { parseCsv, ResultsData } from "../results/index.js";
import { decodeColumns } from "./app/wire.js";
import type { Reflections, Summary } from "./index.js";
import { startViewer, type Viewer } from "./index.js";

let dir: string;
let v: Viewer;

/** A raw GET: the path goes out exactly as written (fetch would resolve `..` first). */
function get(
  path: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; type: string; body: Buffer }> {
  const { port } = v.server.address() as AddressInfo;
  return new Promise((ok, bad) => {
    const req = request({ host: "127.0.0.1", port, path, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () =>
        ok({
          status: res.statusCode ?? 0,
          type: String(res.headers["content-type"]),
          body: Buffer.concat(chunks),
        }),
      );
    });
    req.on("error", bad);
    req.end();
  });
}

async function columns(path: string) {
  const r = await get(path);
  expect(r.status, path).toBe(200);
  expect(r.type).toBe("application/octet-stream");
  const b = r.body;
  return decodeColumns(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer);
}

const csv = (p: string) => parseCsv(readFileSync(join(dir, p), "utf8"));

beforeAll(async () => {
  // four sweeps: the fourth is the first with Li2S, so reflections/Li2S.csv has numbers
  dir = await tinyResults({ rows: 6, sweeps: 4 });
  // a link that leaves the results folder, which the server must not follow
  writeFileSync(join(dirname(dir), "secret.txt"), "outside");
  symlinkSync(join(dirname(dir), "secret.txt"), join(dir, "link-out.txt"));
  v = await startViewer(dir);
}, 120_000);

afterAll(async () => {
  await v?.close();
});

describe("swaxs view server", () => {
  it("listens on 127.0.0.1 only, unless told otherwise", () => {
    expect((v.server.address() as AddressInfo).address).toBe("127.0.0.1");
    expect(v.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
  });

  it("serves the page, the app modules, the plot library and results files", async () => {
    const page = await get("/");
    expect(page.status).toBe(200);
    expect(page.body.toString()).toContain('src="/viewer/app/main.js"');
    for (const p of ["/viewer/app/main.js", "/viewer/app/wire.js", "/plot/index.js", "/plot/heatmap.js"]) {
      const r = await get(p);
      expect(r.status, p).toBe(200);
      expect(r.type).toMatch(/^text\/javascript/);
    }
    const f = await get("/results/frames.csv");
    expect(f.status).toBe(200);
    expect(f.body.toString()).toBe(readFileSync(join(dir, "frames.csv"), "utf8"));
  });

  it("refuses paths that leave the results or app folders", async () => {
    const refused = [
      "/results/../package.json",
      "/results/%2e%2e/%2e%2e/package.json",
      "/results/%2E%2E%2F%2E%2E%2Fpackage.json",
      "/results/..%2fsecret.txt",
      "/results/..%5csecret.txt",
      "/viewer/app/../server.ts",
      "/viewer/app/%2e%2e/server.ts",
      "/plot/../../package.json",
      "/results/./frames.csv",
      "/results/link-out.txt",
      "/results//etc/passwd",
      "/results/%00frames.csv",
      "/viewer/app/main.js/../../server.ts",
      "/../../etc/passwd",
      "/results/%252e%252e/%252e%252e/package.json",
      "/results/..%255csecret.txt",
      "/results/%2e%2e%5csecret.txt",
      "/results/\\..\\secret.txt",
      `/results/${encodeURIComponent(join(dirname(dir), "secret.txt"))}`,
      "/results/%c0%ae%c0%ae/secret.txt",
      "/results/.%2e/secret.txt",
    ];
    for (const p of refused) {
      const r = await get(p);
      expect([400, 403, 404], p).toContain(r.status);
      expect(r.body.toString()).not.toContain("outside");
    }
    expect((await get("/results/../package.json")).status).toBe(403);
    expect((await get("/results/%2e%2e/%2e%2e/package.json")).status).toBe(403);
    expect((await get("/results/link-out.txt")).status).toBe(403);
    // only JavaScript from the app and plot folders (no sources, maps or declarations)
    expect((await get("/viewer/server.ts")).status).toBe(404);
    expect((await get("/viewer/app/wire.d.ts")).status).toBe(404);
  });

  it("answers only requests addressed to loopback (DNS rebinding)", async () => {
    expect((await get("/api/summary", { host: "evil.example" })).status).toBe(403);
    expect((await get("/api/summary", { host: "localhost:1234" })).status).toBe(200);
  });

  it("refuses oversized URLs and headers, and stays up", async () => {
    expect((await get(`/results/${"a".repeat(5000)}`)).status).toBe(414);
    expect((await get("/api/summary", { "x-big": "b".repeat(20_000) })).status).toBe(431);
    expect((await get("/api/summary")).status).toBe(200);
  });

  it("cuts off a client that sends its headers too slowly, and serves others meanwhile", async () => {
    const slow = await startViewer(dir, { headersTimeoutMs: 500 });
    try {
      const { port } = slow.server.address() as AddressInfo;
      const sock = connect(port, "127.0.0.1");
      await new Promise((ok) => sock.once("connect", ok));
      sock.write("GET /api/summary HTTP/1.1\r\nHost: 127.0.0.1\r\n"); // and never the blank line
      const closed = new Promise<string>((ok) => {
        let got = "";
        sock.on("data", (d) => {
          got += String(d);
        });
        sock.on("close", () => ok(got));
      });
      const other = await fetch(`${slow.url}api/summary`);
      expect(other.status).toBe(200);
      expect(await closed).toMatch(/^HTTP\/1\.1 408|^$/);
    } finally {
      await slow.close();
    }
  });

  it("answers 200 concurrent requests, all of them right", async () => {
    const paths = Array.from({ length: 200 }, (_, i) =>
      i % 4 === 0
        ? "/results/frames.csv"
        : i % 4 === 1
          ? "/api/summary"
          : i % 4 === 2
            ? "/api/band?band=Li2S"
            : "/results/%2e%2e/x",
    );
    const rs = await Promise.all(paths.map((p) => get(p)));
    for (const [i, r] of rs.entries()) expect(r.status, paths[i]).toBe(paths[i]!.includes("%2e") ? 403 : 200);
    const frames = readFileSync(join(dir, "frames.csv"), "utf8");
    expect(rs.filter((_, i) => i % 4 === 0).every((r) => r.body.toString() === frames)).toBe(true);
  });

  it("off loopback, every request needs the printed URL's token (then kept as a strict cookie)", async () => {
    const open = await startViewer(dir, { host: "0.0.0.0" });
    try {
      expect(open.token).toMatch(/^[A-Za-z0-9_-]{32}$/);
      expect(open.url).toBe(
        `http://127.0.0.1:${(open.server.address() as AddressInfo).port}/?token=${open.token}`,
      );
      const at = (p: string, headers: Record<string, string> = {}) =>
        fetch(new URL(p, open.url), { headers });
      expect((await at("/api/summary")).status).toBe(403);
      expect((await at("/results/frames.csv")).status).toBe(403);
      const wrong = `${open.token!.slice(0, -1)}${open.token!.endsWith("A") ? "B" : "A"}`;
      expect((await at(`/api/summary?token=${wrong}`)).status).toBe(403);
      expect((await at("/api/summary", { cookie: `swaxs_token=${wrong}` })).status).toBe(403);
      const page = await at(`/?token=${open.token}`);
      expect(page.status).toBe(200);
      const cookie = page.headers.get("set-cookie") ?? "";
      expect(cookie).toMatch(/HttpOnly/);
      expect(cookie).toMatch(/SameSite=Strict/);
      const withCookie = await at("/results/frames.csv", { cookie: cookie.split(";")[0]! });
      expect(withCookie.status).toBe(200);
      expect(await withCookie.text()).toBe(readFileSync(join(dir, "frames.csv"), "utf8"));
    } finally {
      await open.close();
    }
    // on loopback no token is asked for (and none is printed)
    expect(v.token).toBeNull();
  });

  it("summarises grid, bands, detectors and time range like the CSVs", async () => {
    const s = JSON.parse((await get("/api/summary")).body.toString()) as Summary;
    const regions = csv("regions.csv").slice(1);
    expect(s.grid.rows * s.grid.cols).toBe(regions.length);
    expect(s.grid.rows).toBe(6);
    expect(s.regions[0]).toBe(regions[0]![4]);
    expect(s.bands.filter((b) => b.kind === "band")).toEqual([
      { name: "Li2S", detector: "waxs", column: "band_Li2S", kind: "band" },
      { name: "S", detector: "saxs", column: "band_S", kind: "band" },
    ]);
    // crystallite sizes fitted frame by frame, where frames.csv has any
    for (const b of s.bands.filter((x) => x.kind === "size"))
      expect(b).toMatchObject({ name: "Li2S size", column: "size_Li2S_nm" });
    const frames = csv("frames.csv").slice(1);
    const waxs = s.detectors.find((d) => d.name === "waxs")!;
    expect(waxs.frames).toBe(frames.filter((f) => f[2] === "waxs").length);
    expect(waxs.qUnits).toBe("1/nm");
    expect(s.time.start).toBe(Date.parse(frames[0]![1]!) / 1000);
    expect(s.maps).toContainEqual({ band: "Li2S", sod: 50 });
    expect(s.heatmaps).toContainEqual({ region: "cathode", detector: "waxs" });
    expect(s.peaks).toEqual(["Li2S"]);
    expect(s.tracked).toEqual(["Li2S"]);
  });

  it("sends one pixel's curves: the h5 rows of its frames, in time order", async () => {
    const c = await columns("/api/pixel?det=waxs&row=3&col=1");
    const frames = csv("frames.csv").slice(1);
    const mine: number[] = [];
    let k = 0;
    for (const f of frames) {
      if (f[2] !== "waxs") continue;
      if (f[3] === "3" && f[4] === "1") mine.push(k);
      k++;
    }
    expect(c.meta.visits).toBe(4);
    expect(c.columns.time!.length).toBe(mine.length);
    const h5 = await openH5(join(dir, "reduced_waxs.h5"));
    try {
      const ds = h5.get("entry/data/I") as import("../formats/h5.js").Dataset;
      const nq = c.columns.q!.length;
      const want = ds.slice([[mine[1]!, mine[1]! + 1], []]) as Float32Array;
      expect(Array.from(c.columns.I!.subarray(nq, 2 * nq))).toEqual(Array.from(want));
    } finally {
      h5.close();
    }
  });

  it("reads the same curves visit by visit as from the cube held in memory", async () => {
    const cold = await ResultsData.open(dir);
    const warm = await ResultsData.open(dir);
    try {
      await warm.warm();
      const a = await cold.pixel("saxs", 2, 0);
      const b = await warm.pixel("saxs", 2, 0);
      expect(a.columns.I!.length).toBeGreaterThan(0);
      expect(Array.from(b.columns.I!)).toEqual(Array.from(a.columns.I!));
    } finally {
      cold.close();
      warm.close();
    }
  });

  it("sends frame-level band values, maps, heatmaps, series, echem and crystallite sizes as in the CSVs", async () => {
    const frames = csv("frames.csv");
    const bi = frames[0]!.indexOf("band_Li2S");
    const waxsRows = frames.slice(1).filter((f) => f[2] === "waxs");
    const band = await columns("/api/band?band=Li2S");
    expect(band.columns.value!.length).toBe(waxsRows.length);
    expect(band.columns.value![5]).toBeCloseTo(Number(waxsRows[5]![bi]), 5);
    expect(band.columns.pixel![5]).toBe(Number(waxsRows[5]![3]) * 2 + Number(waxsRows[5]![4]));

    const map = await columns("/api/map?band=Li2S&sod=50");
    const m = csv("maps/Li2S_sod50.csv").slice(1);
    expect(m.length).toBe(map.columns.value!.length);
    for (const r of m) {
      const got = map.columns.value![Number(r[0]) * 2 + Number(r[1])]!;
      if (r[4] === "") expect(got).toBeNaN();
      else expect(got).toBeCloseTo(Number(r[4]), 5);
    }

    const hm = await columns("/api/heatmap?region=cathode&det=waxs");
    const h = csv("timeseries/cathode_waxs_heatmap.csv");
    expect(hm.columns.q!.length).toBe(h[0]!.length - 2);
    expect(hm.columns.time!.length).toBe(h.length - 1);
    expect(hm.columns.I![7]).toBeCloseTo(Number(h[1]![9]), 5);
    expect(hm.columns.current!.length).toBe(h.length - 1);

    const series = await columns("/api/series?region=cathode&band=Li2S");
    expect(series.columns.value!.length).toBe(csv("timeseries/cathode_Li2S.csv").length - 1);

    const e = await columns("/api/echem");
    expect(e.columns.ewe_v!.length).toBe(csv("echem.csv").length - 1);

    const cr = await columns("/api/crystallite?peak=Li2S");
    expect(cr.columns.size_nm!.length).toBe(csv("crystallite/Li2S.csv").length - 1);
  });

  it("sends the σ columns of bands, maps and series, and the opaque flags of maps, as in the CSVs", async () => {
    const num = (x: string | undefined) => (x === undefined || x === "" ? Number.NaN : Number(x));
    /** Every value as the CSV has it (NaN where empty), as float32. */
    const same = (got: ArrayLike<number>, want: number[], what: string) => {
      expect(got.length, what).toBe(want.length);
      want.forEach((w, i) => {
        if (Number.isNaN(w)) expect(got[i], `${what}[${i}]`).toBeNaN();
        else expect(got[i], `${what}[${i}]`).toBe(Math.fround(w));
      });
    };
    const frames = csv("frames.csv");
    const ei = frames[0]!.indexOf("band_Li2S_err");
    expect(ei).toBeGreaterThan(0);
    const band = await columns("/api/band?band=Li2S");
    const waxsRows = frames.slice(1).filter((f) => f[2] === "waxs");
    same(
      band.columns.value_err!,
      waxsRows.map((r) => num(r[ei])),
      "band value_err",
    );
    expect(Array.from(band.columns.value_err!).some(Number.isFinite)).toBe(true);

    const m = csv("maps/Li2S_sod50.csv");
    const [ci, vi, fi] = ["value_err", "value", "flag"].map((k) => m[0]!.indexOf(k));
    const map = await columns("/api/map?band=Li2S&sod=50");
    expect(map.columns.opaque).toBeInstanceOf(Int32Array);
    for (const r of m.slice(1)) {
      const p = Number(r[0]) * 2 + Number(r[1]);
      same([map.columns.value_err![p]!], [num(r[ci!])], `map value_err at ${p}`);
      same([map.columns.value![p]!], [num(r[vi!])], `map value at ${p}`);
      expect(map.columns.opaque![p], `opaque at ${p}`).toBe(r[fi!] === "opaque" ? 1 : 0);
    }

    const t = csv("timeseries/cathode_Li2S.csv");
    const series = await columns("/api/series?region=cathode&band=Li2S");
    const si = t[0]!.indexOf("value_err");
    same(
      series.columns.value_err!,
      t.slice(1).map((r) => num(r[si])),
      "series value_err",
    );
    expect(Array.from(series.columns.value_err!).some(Number.isFinite)).toBe(true);
  });

  it("sends each reflection's columns as in reflections/<peak>.csv, and 404 for a peak without", async () => {
    const t = csv("reflections/Li2S.csv");
    const header = t[0]!;
    const rows = t.slice(1);
    const c = await columns("/api/tracked?peak=Li2S");
    expect(c.meta.hkl).toEqual(["111", "200"]);
    expect(c.columns.time!.length).toBe(rows.length);
    expect(Array.from(c.columns.time!)).toEqual(rows.map((r) => Date.parse(r[0]!) / 1000));
    let finite = 0;
    for (const [j, name] of header.entries()) {
      if (name === "time") continue;
      const got = c.columns[name === "sod_pct" ? "sod" : name];
      expect(got, name).toBeDefined();
      rows.forEach((r, i) => {
        const s = r[j] ?? "";
        if (s === "") expect(got![i], `${name}[${i}]`).toBeNaN();
        else {
          finite++;
          expect(got![i], `${name}[${i}]`).toBe(Math.fround(Number(s)));
        }
      });
    }
    // the tiny twin's last sweep has Li2S: areas, the (111) centre and width, a
    expect(finite).toBeGreaterThan(5);
    for (const k of ["area_111", "area_200", "center_q_111", "a_nm"])
      expect(Array.from(c.columns[k]!).some(Number.isFinite), k).toBe(true);

    const none = await get("/api/tracked?peak=nothing");
    expect(none.status).toBe(404);
    expect(JSON.parse(none.body.toString()).error).toMatch(/no reflections for nothing/);
    expect((await get("/api/tracked")).status).toBe(400);
  });

  it("lists no tracked peaks for results without reflections/ (the app then draws no such figure)", async () => {
    const old = join(dirname(dir), "no-reflections");
    cpSync(dir, old, { recursive: true, verbatimSymlinks: true });
    rmSync(join(old, "reflections"), { recursive: true });
    const w = await startViewer(old);
    try {
      const s = (await (await fetch(`${w.url}api/summary`)).json()) as Summary;
      expect(s.peaks).toEqual(["Li2S"]);
      expect(s.tracked).toEqual([]);
      expect((await fetch(`${w.url}api/tracked?peak=Li2S`)).status).toBe(404);
    } finally {
      await w.close();
    }
  });

  it("computes reflection positions on the server: Li2S 111 at 2π/d", async () => {
    const r = JSON.parse((await get("/api/reflections?det=waxs")).body.toString()) as Reflections;
    const li2s = r.phases.find((p) => p.phase === "Li2S")!;
    const i = li2s.hkl.indexOf("111");
    expect(li2s.q[i]).toBeCloseTo((2 * Math.PI) / ((0.5708 / Math.sqrt(3)) * 1), 6);
    expect(r.phases.map((p) => p.phase)).toEqual(["Li2S", "In", "Li6PS5Cl", "S8", "Li"]);
  });

  it("lists the extra measurements and sends each one's curve as in extra/<name>_<det>.csv (Fig. 3c)", async () => {
    const list = JSON.parse((await get("/api/extras")).body.toString()) as {
      name: string;
      detector: string;
    }[];
    expect(list).toEqual([{ name: "pristine_carbon", detector: "saxs" }]);
    const c = await columns("/api/extra?name=pristine_carbon&det=saxs");
    const [head, ...rows] = csv("extra/pristine_carbon_saxs.csv");
    for (const [name, tol] of [
      ["radial", 0],
      ["intensity", 1e-6],
      ["sigma", 1e-6],
    ] as const) {
      const k = head!.indexOf(name);
      const got = c.columns[name]!;
      expect(got.length).toBe(rows.length);
      rows.forEach((r, i) => {
        const want = Number(r[k]);
        expect(Math.abs(got[i]! - want)).toBeLessThanOrEqual(tol * Math.abs(want));
      });
    }
    expect((await get("/api/extra?name=empty_cell&det=saxs")).status).toBe(404);
    expect((await get("/api/extra?name=pristine_carbon")).status).toBe(400);
  });

  it("answers 404 for unknown names and 400 for bad parameters", async () => {
    expect((await get("/api/heatmap?region=nowhere&det=waxs")).status).toBe(404);
    expect((await get("/api/pixel?det=waxs&row=99&col=0")).status).toBe(404);
    expect((await get("/api/pixel?det=waxs&row=x&col=0")).status).toBe(400);
    expect((await get("/api/band")).status).toBe(400);
    expect((await get("/api/nothing")).status).toBe(404);
    expect((await get("/nothing")).status).toBe(404);
  });
});
