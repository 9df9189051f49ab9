/**
 * Output folders that can never swallow a user's data. Every command that writes a folder goes
 * through here: the folder is checked before anything is read (it must not be the working folder,
 * the config's folder, one of their ancestors, or a folder holding any input), an existing folder
 * is replaced only when it carries swaxs's own marker (`.swaxs`, naming the command that made it),
 * and the new content is written beside it in `<out>.partial/` and renamed into place at the end.
 */
import {
  accessSync,
  constants,
  existsSync,
  lstatSync,
  readdirSync,
  realpathSync,
  writeFileSync,
} from "node:fs";
import { mkdir, rename, rm } from "node:fs/promises";
import { basename, dirname, join, relative, resolve, sep } from "node:path";
import { clip, fsProblem, InputError } from "./errors.js";

/** The marker file in every folder swaxs makes. */
export const MARKER = ".swaxs";
/** Limits of Linux file systems (PATH_MAX, NAME_MAX), checked before the path reaches the OS. */
const PATH_MAX = 4096;
const NAME_MAX = 255;

export interface OutputGuard {
  /** The file or option that names the folder, for messages (`experiment.yaml`, `--out`). */
  namedBy: string;
  /** The key naming it inside that file (`out`), or the option itself. */
  key: string;
  /** The command that writes it (`swaxs run`), recorded in the marker. */
  command: string;
  /** Folders that must survive: the working folder and the config's folder are always included. */
  protect?: { what: string; path: string }[];
  /** Every input file, with the key that names it. */
  inputs?: { key: string; path: string }[];
}

/** The path with symlinks of its existing part resolved, so `a/../b` and links compare as the OS sees them. */
function real(p: string): string {
  const abs = resolve(p);
  let head = abs;
  const tail: string[] = [];
  while (!existsSync(head)) {
    const up = dirname(head);
    if (up === head) return abs;
    tail.unshift(basename(head));
    head = up;
  }
  try {
    return join(realpathSync(head), ...tail);
  } catch {
    return abs;
  }
}

/** `inner` is `outer` or lies inside it. */
export function isWithin(inner: string, outer: string): boolean {
  const r = relative(outer, inner);
  return r === "" || (!r.startsWith(`..${sep}`) && r !== ".." && !r.startsWith(sep) && !/^[A-Za-z]:/.test(r));
}

function checkLength(out: string, g: OutputGuard): void {
  const abs = resolve(out);
  const long = abs.split(sep).find((c) => Buffer.byteLength(c) > NAME_MAX);
  if (Buffer.byteLength(abs) > PATH_MAX - 64 || long !== undefined)
    throw new InputError(
      g.namedBy,
      `${g.key}: path too long (${abs.length} characters${long ? `, a name of ${long.length}` : ""}; at most ${NAME_MAX} per name): "${clip(out)}"`,
    );
}

/** Whether `dir` was made by swaxs (it carries the marker). */
export function madeBySwaxs(dir: string): boolean {
  return existsSync(join(dir, MARKER));
}

/**
 * Refuses an output folder that would swallow or replace what swaxs did not make. Call before
 * reading any input. Returns the absolute folder.
 */
export function checkOutputFolder(out: string, g: OutputGuard): string {
  checkLength(out, g);
  const abs = resolve(out);
  const target = real(abs);
  const say = (problem: string): never => {
    throw new InputError(g.namedBy, `${g.key}: ${clip(out)} ${problem}`);
  };
  const protect = [{ what: "the working folder", path: process.cwd() }, ...(g.protect ?? [])];
  for (const p of protect) {
    const rp = real(p.path);
    if (isWithin(rp, target))
      say(
        rp === target
          ? `is ${p.what}; choose a new folder`
          : `holds ${p.what} (${p.path}); choose a new folder`,
      );
  }
  for (const i of g.inputs ?? []) {
    const ri = real(i.path);
    if (isWithin(ri, target))
      say(
        ri === target
          ? `is the input ${i.key}; choose a new folder`
          : `holds the input ${i.key} (${i.path}); choose a new folder`,
      );
  }
  for (const dir of [abs, `${abs}.partial`]) {
    if (!existsSync(dir)) continue;
    const st = lstatSync(dir);
    if (!st.isDirectory() || st.isSymbolicLink())
      throw new InputError(
        g.namedBy,
        `${g.key}: ${clip(dir)} exists and is not a folder; choose another ${g.key}`,
      );
    if (readdirSync(dir).length > 0 && !madeBySwaxs(dir))
      throw new InputError(
        g.namedBy,
        `${g.key}: ${clip(dir)} exists and was not made by ${g.command}; remove it or choose another ${g.key}`,
      );
  }
  return abs;
}

/** Writes the marker naming the command into a folder swaxs is making. */
export function markFolder(dir: string, command: string): void {
  writeFileSync(
    join(dir, MARKER),
    `${JSON.stringify({ made_by: command, date: new Date().toISOString() })}\n`,
  );
}

/**
 * `<out>.partial/`, marked, emptied of an earlier attempt's files except those in `keep`. Call
 * after `checkOutputFolder`.
 */
export async function beginOutput(out: string, command: string, keep: string[] = []): Promise<string> {
  const tmp = `${resolve(out)}.partial`;
  try {
    await mkdir(tmp, { recursive: true });
  } catch (err) {
    throw new InputError(tmp, `cannot create the output folder: ${whyNotWritable(dirname(tmp), err)}`);
  }
  for (const e of readdirSync(tmp))
    if (!keep.includes(e) && e !== MARKER) await rm(join(tmp, e), { recursive: true, force: true });
  markFolder(tmp, command);
  return tmp;
}

/**
 * Why a folder could not be made under `parent`, said as the machine means it: Node's recursive
 * mkdir reports a read-only file system as ENOENT, so the nearest existing parent is asked too.
 */
function whyNotWritable(parent: string, err: unknown): string {
  let p = resolve(parent);
  while (!existsSync(p) && dirname(p) !== p) p = dirname(p);
  try {
    accessSync(p, constants.W_OK);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "EROFS") return `${p} is on a read-only file system`;
    if (code === "EACCES" || code === "EPERM") return `${p} is not writable (permission denied)`;
  }
  const code = (err as NodeJS.ErrnoException).code;
  return fsProblem(code) ?? `${code ?? String(err)}`;
}

/** Replaces `out` (only if swaxs made it) by the finished `tmp`. */
export async function commitOutput(
  tmp: string,
  out: string,
  g: Pick<OutputGuard, "namedBy" | "key" | "command">,
): Promise<void> {
  const abs = resolve(out);
  if (existsSync(abs)) {
    if (readdirSync(abs).length > 0 && !madeBySwaxs(abs))
      throw new InputError(
        g.namedBy,
        `${g.key}: ${clip(abs)} appeared during the run and was not made by ${g.command}; the results are in ${tmp}`,
      );
    await rm(abs, { recursive: true, force: true });
  }
  await rename(tmp, abs);
}
