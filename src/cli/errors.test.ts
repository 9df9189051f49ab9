/**
 * The one error path (issue 13): whatever fails — bad input, our code, a library's abort with a
 * megabyte message, an exception in a callback, a promise rejected with no handler — the user sees
 * one line, exit 2 for bad input and 1 for a bug, and the stack only with --debug.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it, vi } from "vitest";
import { InputError } from "../util/index.js";
import { reportFailure } from "./main.js";

const TSX = new URL("../../node_modules/tsx/dist/loader.mjs", import.meta.url).href;
const MAIN = fileURLToPath(new URL("./main.ts", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "swaxs-errors-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Something shaped like an uncaught h5wasm/emscripten failure: a huge message over many lines. */
const MINIFIED = `Aborted(${"var a=function(){return HEAP8[b>>0]};\n".repeat(50_000)})`;

function captured(f: () => number): { code: number; text: string } {
  let text = "";
  const spy = vi.spyOn(process.stderr, "write").mockImplementation((s: string | Uint8Array) => {
    text += String(s);
    return true;
  });
  try {
    return { code: f(), text };
  } finally {
    spy.mockRestore();
  }
}

/** A child process that starts the CLI's `main` and then fails the way `how` says. */
function crashingProcess(how: string, ...args: string[]) {
  const script = join(dir, `crash-${how}.mts`);
  const failure = {
    throw: `setTimeout(() => { throw new RangeError(${JSON.stringify(MINIFIED)}); }, 10);`,
    reject: `setTimeout(() => { Promise.reject(new Error("rejected with no handler")); }, 10);`,
    string: `setTimeout(() => { throw ${JSON.stringify("a thrown string\nover lines")}; }, 10);`,
  }[how];
  writeFileSync(
    script,
    `import { main } from ${JSON.stringify(MAIN)};\n${failure}\nawait main(["--version", ...${JSON.stringify(args)}]);\nawait new Promise((r) => setTimeout(r, 2000));\n`,
  );
  const r = spawnSync(process.execPath, ["--import", TSX, script], { encoding: "utf8", maxBuffer: 1 << 26 });
  return { code: r.status, stderr: r.stderr };
}

describe("one error path", () => {
  it("bad input: one line naming the file, exit 2", () => {
    const r = captured(() => reportFailure(new InputError("frames/a.cbf", "truncated\nat byte 12"), false));
    expect(r.code).toBe(2);
    expect(r.text).toBe("swaxs: frames/a.cbf: truncated at byte 12\n");
  });

  it("bad input with long paths: cut in the middle to 1000 characters, the file and the cause kept", () => {
    const deep = `/data/visitor/${"d".repeat(400)}`;
    const msg = `${deep}/exp.yaml: poni ${deep}/saxs.poni: frames are 195×487 (${deep}/frames/w_s002.cbf)`;
    const r = captured(() =>
      reportFailure(new InputError(`${deep}/exp.yaml`, msg.slice(deep.length + 11)), false),
    );
    expect(r.code).toBe(2);
    expect(r.text.split("\n").filter(Boolean)).toHaveLength(1);
    expect(r.text.length).toBe(1000 + 1);
    expect(r.text).toMatch(/^swaxs: \/data\/visitor\/d+\/exp\.yaml: poni /);
    expect(r.text).toContain("…");
    expect(r.text).toMatch(/frames\/w_s002\.cbf\)\n$/);
    // a short one is never cut
    const short = captured(() => reportFailure(new InputError("a.cbf", "x".repeat(600)), false));
    expect(short.text).toBe(`swaxs: a.cbf: ${"x".repeat(600)}\n`);
  });

  it("what the machine refuses (full disk, read-only, permission): one line naming the path, exit 2", () => {
    const sys = (code: string, path: string) =>
      Object.assign(new Error(`${code}: x, write '${path}'`), { code, path });
    const full = captured(() => reportFailure(sys("ENOSPC", "/data/out/maps/a.csv"), false));
    expect(full).toEqual({ code: 2, text: "swaxs: /data/out/maps/a.csv: no space left on the device\n" });
    const ro = captured(() => reportFailure(sys("EROFS", "/mnt/ro/x"), false));
    expect(ro).toEqual({ code: 2, text: "swaxs: /mnt/ro/x: the file system is read-only\n" });
    // a code that is ours to handle stays a bug
    expect(captured(() => reportFailure(sys("ENOENT", "/x"), false)).code).toBe(1);
  });

  it("a library's megabyte failure: one short line, exit 1, a hint for --debug", () => {
    const r = captured(() => reportFailure(new Error(MINIFIED), false));
    expect(r.code).toBe(1);
    expect(r.text.split("\n").filter(Boolean)).toHaveLength(1);
    expect(r.text.length).toBeLessThanOrEqual(301);
    expect(r.text).toMatch(/^swaxs: internal error: Aborted\(var a=function/);
    expect(r.text).toContain("--debug");
  });

  it("--debug adds the stack frames, each line cut, never the thrower's source", () => {
    const r = captured(() => reportFailure(new Error(MINIFIED), true));
    const lines = r.text.split("\n").filter(Boolean);
    expect(lines.length).toBeGreaterThan(1);
    expect(lines.slice(1).every((l) => /^\s+at /.test(l) && l.length <= 302)).toBe(true);
    expect(r.text).not.toContain("HEAP8[b>>0]};\n");
  });

  it.each([
    ["throw", /^swaxs: internal error: Aborted\(var a=function/],
    [
      "reject",
      /^swaxs: internal error: rejected with no handler \(a bug in swaxs; --debug shows the stack\)$/,
    ],
    ["string", /^swaxs: internal error: a thrown string over lines /],
  ])("an uncaught %s after the command ends the process in one line, exit 1", (how, first) => {
    const r = crashingProcess(how);
    expect(r.code).toBe(1);
    const lines = r.stderr.split("\n").filter(Boolean);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(first);
    expect(r.stderr.length).toBeLessThanOrEqual(301);
  });

  it("--debug anywhere on the line shows the stack of an uncaught failure", () => {
    const r = crashingProcess("throw", "--debug");
    expect(r.code).toBe(1);
    const lines = r.stderr.split("\n").filter(Boolean);
    expect(lines.length).toBeGreaterThan(1);
    expect(lines[0]).not.toContain("--debug shows");
    expect(lines.slice(1).some((l) => l.includes("crash-throw.mts"))).toBe(true);
  });
});
