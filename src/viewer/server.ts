/**
 * `swaxs view`'s local web server (node:http, no framework): the page, the app's ES modules, the
 * plot library, the results folder's files and the slice endpoints listed in api.ts. It binds
 * 127.0.0.1 unless told otherwise (then every request needs the random token of the printed URL),
 * and serves nothing outside the results and app folders.
 */
import { randomBytes, timingSafeEqual } from "node:crypto";
import { readFile } from "node:fs/promises";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { extname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { extraColumns, listExtras, NotFound, ResultsData } from "../results/index.js";
import { isInputError } from "../util/errors.js";
import type { Summary } from "./api.js";
import { encodeColumns } from "./app/wire.js";
import { ResultsEvents } from "./events.js";
import { pageHtml } from "./page.js";
import { resolveInside, safeSegments } from "./paths.js";

export interface ViewerOptions {
  /** 0 (default): any free port. */
  port?: number;
  /** Default 127.0.0.1: only this machine can connect. */
  host?: string;
  /** A client that has not sent its headers by then is cut off (default 10 s). */
  headersTimeoutMs?: number;
}

export interface Viewer {
  /** The address to open; off loopback it carries the access token (`?token=…`), shown once. */
  url: string;
  /** The access token every request must carry (query or cookie) off loopback; null on loopback. */
  token: string | null;
  server: Server;
  close(): Promise<void>;
}

/** Folders of the browser code: next to this module both in src/ (tsx, tests) and in dist/. */
const APP_DIR = fileURLToPath(new URL("./app/", import.meta.url));
const PLOT_DIR = fileURLToPath(new URL("../plot/", import.meta.url));

const TYPES: Record<string, string> = {
  ".js": "text/javascript; charset=utf-8",
  ".csv": "text/csv; charset=utf-8",
  ".json": "application/json",
  ".h5": "application/x-hdf5",
  ".png": "image/png",
  ".svg": "image/svg+xml",
  ".txt": "text/plain; charset=utf-8",
};

const LOOPBACK = new Set(["127.0.0.1", "localhost", "[::1]", "::1"]);

/** Longer request paths are refused (414): nothing the viewer asks for comes close. */
const MAX_URL = 4096;
const TOKEN_COOKIE = "swaxs_token";

class BadRequest extends Error {}

export async function startViewer(resultsDir: string, o: ViewerOptions = {}): Promise<Viewer> {
  const root = resolve(resultsDir);
  let data = await ResultsData.open(root);
  let summary: Summary = data.summary();
  // /api/events: pages are told when the results change (a live run); the reader is reopened first
  const events = new ResultsEvents(root, {
    beforeEvent: async () => {
      const fresh = await ResultsData.open(root);
      // closed now (its HDF5 files reopen on demand): a second open of a file in this process
      // would share the first one's stale state (see src/live/swmr.ts)
      data.close();
      [data, summary] = [fresh, fresh.summary()];
    },
  });
  const host = o.host ?? "127.0.0.1";
  const loopbackOnly = LOOPBACK.has(host);
  // off loopback anyone on the network can connect: every request must show a random token, given
  // once in the printed URL and then kept by the browser as a same-site cookie
  const token = loopbackOnly ? null : randomBytes(24).toString("base64url");
  const server = createServer(
    // headers beyond 16 KB are refused by Node itself (431); a client that sends them slowly is cut
    {
      maxHeaderSize: 16384,
      headersTimeout: o.headersTimeoutMs ?? 10_000,
      requestTimeout: 30_000,
      connectionsCheckingInterval: Math.min(2_000, o.headersTimeoutMs ?? 2_000),
    },
    (req, res) => {
      handle(req, res, { root, data, summary, loopbackOnly, token, title: resultsDir, events }).catch((err) =>
        fail(res, err),
      );
    },
  );
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((ok, bad) => {
    server.once("error", bad);
    server.listen(o.port ?? 0, host, () => {
      server.off("error", bad);
      ok();
    });
  });
  // after listening, so the URL is up at once; a failure only means reading visit by visit
  setImmediate(() => {
    data.warm().catch(() => {});
  });
  const addr = server.address() as AddressInfo;
  const shown = addr.family === "IPv6" ? `[${addr.address}]` : addr.address;
  return {
    url: `http://${shown === "0.0.0.0" || shown === "[::]" ? "127.0.0.1" : shown}:${addr.port}/${token ? `?token=${token}` : ""}`,
    token,
    server,
    close: () =>
      new Promise<void>((ok) => {
        events.close();
        server.close(() => ok());
        server.closeAllConnections();
        data.close();
      }),
  };
}

interface Ctx {
  root: string;
  data: ResultsData;
  /** The results' summary with what only the viewer asks (see api.ts). */
  summary: Summary;
  loopbackOnly: boolean;
  /** Required on every request when not null (see startViewer). */
  token: string | null;
  title: string;
  events: ResultsEvents;
}

/** Whether the request carries the access token, in its query or its cookie (compared in constant time). */
function hasToken(req: IncomingMessage, params: URLSearchParams, token: string): boolean {
  const cookie = (req.headers.cookie ?? "")
    .split(";")
    .map((c) => c.trim())
    .find((c) => c.startsWith(`${TOKEN_COOKIE}=`))
    ?.slice(TOKEN_COOKIE.length + 1);
  const want = Buffer.from(token);
  return [params.get("token"), cookie].some((t) => {
    if (!t) return false;
    const got = Buffer.from(t);
    return got.length === want.length && timingSafeEqual(got, want);
  });
}

async function handle(req: IncomingMessage, res: ServerResponse, ctx: Ctx): Promise<void> {
  if (req.method !== "GET" && req.method !== "HEAD") return status(res, 405, "method not allowed");
  // A web page elsewhere could point a name of its own at 127.0.0.1 (DNS rebinding) and read the
  // results through the browser; a loopback server only answers requests addressed to loopback.
  if (ctx.loopbackOnly && !LOOPBACK.has(hostName(req.headers.host)))
    return status(res, 403, "forbidden host");
  const raw = req.url ?? "/";
  if (raw.length > MAX_URL) return status(res, 414, "request path too long");
  const q = raw.indexOf("?");
  const path = q < 0 ? raw : raw.slice(0, q);
  const params = new URLSearchParams(q < 0 ? "" : raw.slice(q + 1));
  if (ctx.token !== null) {
    if (!hasToken(req, params, ctx.token))
      return status(res, 403, "no or wrong access token (use the printed URL)");
    // the browser keeps it for the page's own requests (modules, data): strict, so no other site sends it
    res.setHeader("set-cookie", `${TOKEN_COOKIE}=${ctx.token}; HttpOnly; SameSite=Strict; Path=/`);
  }
  const segs = safeSegments(path);
  if (typeof segs === "number") return status(res, segs, segs === 403 ? "forbidden path" : "bad path");
  if (path === "/" || path === "/index.html")
    return send(res, 200, "text/html; charset=utf-8", pageHtml(ctx.title));
  if (path.startsWith("/api/")) return api(res, path.slice(5), params, ctx);
  for (const [prefix, dir, jsOnly] of [
    ["/viewer/app/", APP_DIR, true],
    ["/plot/", PLOT_DIR, true],
    ["/results/", ctx.root, false],
  ] as const) {
    if (!path.startsWith(prefix)) continue;
    const rest = path.slice(prefix.length);
    if (jsOnly && !rest.endsWith(".js")) return status(res, 404, "not found");
    const r = resolveInside(dir, rest);
    if (!r.ok) return status(res, r.status, r.status === 403 ? "forbidden path" : "not found");
    return send(res, 200, TYPES[extname(r.file)] ?? "application/octet-stream", await readFile(r.file));
  }
  return status(res, 404, "not found");
}

async function api(res: ServerResponse, name: string, p: URLSearchParams, ctx: Ctx): Promise<void> {
  const { data } = ctx;
  const str = (k: string) => {
    const v = p.get(k);
    if (v === null || v === "") throw new BadRequest(`missing parameter ${k}`);
    return v;
  };
  const int = (k: string) => {
    const v = Number(str(k));
    if (!Number.isInteger(v)) throw new BadRequest(`${k} must be an integer`);
    return v;
  };
  const numParam = (k: string) => {
    const v = Number(str(k));
    if (!Number.isFinite(v)) throw new BadRequest(`${k} must be a number`);
    return v;
  };
  switch (name) {
    case "events":
      return ctx.events.subscribe(res);
    case "summary":
      return json(res, ctx.summary);
    case "reflections":
      return json(res, data.reflections(str("det")));
    case "pixel": {
      const c = await data.pixel(str("det"), int("row"), int("col"));
      return binary(res, encodeColumns(c.columns, c.meta));
    }
    case "band": {
      const c = data.band(str("band"));
      return binary(res, encodeColumns(c.columns, c.meta));
    }
    case "map": {
      // a named state of maps.at or a difference (Summary.stateMaps), else an SOD map
      const c = p.has("state")
        ? await data.stateMap(str("band"), str("state"))
        : await data.map(str("band"), numParam("sod"));
      return binary(res, encodeColumns(c.columns, c.meta));
    }
    case "heatmap": {
      const c = await data.heatmap(str("region"), str("det"));
      return binary(res, encodeColumns(c.columns, c.meta));
    }
    case "series": {
      const c = await data.series(str("region"), str("band"));
      return binary(res, encodeColumns(c.columns, c.meta));
    }
    case "echem": {
      const c = await data.echem();
      return binary(res, encodeColumns(c.columns, c.meta));
    }
    case "dqdv": {
      const c = await data.dqdv();
      return binary(res, encodeColumns(c.columns, c.meta));
    }
    case "crystallite": {
      const c = await data.crystallite(str("peak"));
      return binary(res, encodeColumns(c.columns, c.meta));
    }
    case "tracked": {
      const c = await data.trackedReflections(str("peak"));
      return binary(res, encodeColumns(c.columns, c.meta));
    }
    // the extra measurements (config extra:, extra/<name>_<det>.csv) to overlay on a region curve
    case "extras":
      return json(res, listExtras(ctx.root));
    case "extra": {
      const c = extraColumns(ctx.root, str("name"), str("det"));
      return binary(res, encodeColumns(c.columns, c.meta));
    }
    default:
      return status(res, 404, "no such endpoint");
  }
}

function hostName(h: string | undefined): string {
  if (!h) return "";
  if (h.startsWith("[")) return h.slice(0, h.indexOf("]") + 1);
  return h.split(":")[0] ?? "";
}

function send(res: ServerResponse, code: number, type: string, body: string | Uint8Array): void {
  res.writeHead(code, {
    "content-type": type,
    "content-length": Buffer.byteLength(body),
    "cache-control": "no-store",
    "x-content-type-options": "nosniff",
  });
  res.end(res.req.method === "HEAD" ? undefined : body);
}

function json(res: ServerResponse, v: unknown): void {
  send(res, 200, "application/json", JSON.stringify(v));
}

function binary(res: ServerResponse, b: Uint8Array): void {
  send(res, 200, "application/octet-stream", b);
}

function status(res: ServerResponse, code: number, msg: string): void {
  send(res, code, "application/json", JSON.stringify({ error: msg }));
}

function fail(res: ServerResponse, err: unknown): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  if (err instanceof NotFound) status(res, 404, err.message);
  else if (err instanceof BadRequest) status(res, 400, err.message);
  else if (isInputError(err)) status(res, 500, err.message);
  else {
    console.error(err);
    status(res, 500, "internal error");
  }
}
