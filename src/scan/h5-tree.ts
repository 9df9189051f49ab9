/**
 * Reading the tree of an HDF5 scan file (groups, links, small datasets, attributes) for the scan
 * log, through h5wasm as started by formats/ (`initH5`).
 *
 * Links are followed here, one path component at a time, rather than by HDF5: a soft link is
 * resolved inside the file, and an external link is reported as such (file and path), never
 * traversed. HDF5 would open the linked file itself, relative to a search path, and a missing one
 * would surface as an HDF5 error stack; here the caller decides where the file is (relative to the
 * scan file's folder, as the Bliss writer means it) and says plainly when it is missing.
 */
import { detectFormat, type H5File, h5wasm, initH5 } from "../formats/index.js";
import { clip, InputError } from "../util/errors.js";

type H5wasm = typeof h5wasm;
type H5FileHandle = H5File;

/** Where a path leads: a group or dataset of this file, an external link, or nothing. */
export type H5Target =
  | { kind: "group" | "dataset"; path: string }
  | { kind: "external"; file: string; path: string; from: string }
  | { kind: "missing"; path: string };

/** More soft links in a row than any writer makes: a loop. */
const MAX_HOPS = 32;

export class H5Tree {
  private constructor(
    readonly path: string,
    private readonly h5: H5wasm,
    private readonly file: H5FileHandle,
  ) {}

  /** Opens `path` read-only; a missing or non-HDF5 file is an InputError naming it. */
  static async open(path: string): Promise<H5Tree> {
    await initH5();
    // formats/ decides what an HDF5 file is (signature, user block); its "no such file" is ours
    if ((await detectFormat(path)) !== "hdf5") throw new InputError(path, "not an HDF5 file");
    // h5wasm as formats/ started it (initH5), the one place that loads it
    const h5 = h5wasm;
    let file: H5FileHandle;
    try {
      file = new h5.File(path, "r");
    } catch (err) {
      throw new InputError(
        path,
        `cannot open HDF5 file: ${clip(String((err as Error).message ?? err), 120)}`,
      );
    }
    return new H5Tree(path, h5, file);
  }

  close(): void {
    try {
      this.file.close();
    } catch {
      // closing a file read-only cannot lose anything
    }
  }

  /** The names in a group (links, not followed); empty when `group` is not one. */
  children(group: string): string[] {
    const t = this.resolve(group);
    if (t.kind !== "group") return [];
    return new this.h5.Group(this.file.file_id, t.path).keys();
  }

  /** Follows `path` through soft links in this file, stopping at an external link. */
  resolve(path: string): H5Target {
    let parts = split(path);
    let done: string[] = [];
    for (let hops = 0; parts.length > 0; ) {
      const [name, ...rest] = parts as [string, ...string[]];
      const parent = `/${done.join("/")}`;
      const here = `/${[...done, name].join("/")}`;
      if (!new this.h5.Group(this.file.file_id, parent).keys().includes(name))
        return { kind: "missing", path: here };
      const soft = this.file.get_link(here) as string | null;
      if (soft !== null) {
        if (++hops > MAX_HOPS) return { kind: "missing", path: here };
        // a relative target is relative to the group holding the link
        parts = [...split(soft.startsWith("/") ? soft : `${parent}/${soft}`), ...rest];
        done = [];
        continue;
      }
      const ext = this.file.get_external_link(here) as { filename?: string; obj_path?: string };
      if (ext.filename !== undefined) {
        const inside = [...split(ext.obj_path ?? "/"), ...rest];
        return { kind: "external", file: ext.filename, path: `/${inside.join("/")}`, from: here };
      }
      done = [...done, name];
      parts = rest;
      if (rest.length > 0 && this.kindOf(here) !== "group") return { kind: "missing", path: here };
    }
    const p = `/${done.join("/")}`;
    const kind = this.kindOf(p);
    return kind === "other" ? { kind: "missing", path: p } : { kind, path: p };
  }

  /** A dataset's shape ([] for a scalar), or null when `path` is not a dataset of this file. */
  shape(path: string): number[] | null {
    const t = this.resolve(path);
    if (t.kind !== "dataset") return null;
    return new this.h5.Dataset(this.file.file_id, t.path).shape ?? [];
  }

  /** A numeric dataset's values as float64 (a scalar as one value); null when it is not numeric. */
  numbers(path: string): Float64Array | null {
    const t = this.resolve(path);
    if (t.kind !== "dataset") return null;
    const ds = new this.h5.Dataset(this.file.file_id, t.path);
    // HDF5 classes 0 and 1: integers and floats (bool is an enum, strings class 3)
    if (ds.metadata.type !== 0 && ds.metadata.type !== 1) return null;
    const v = ds.value as unknown;
    if (typeof v === "number" || typeof v === "bigint") return Float64Array.of(Number(v));
    if (!ArrayBuffer.isView(v)) return null;
    return Float64Array.from(v as unknown as ArrayLike<number | bigint>, Number);
  }

  /** A string dataset (a scalar, or the first of a list), or null. */
  text(path: string): string | null {
    const t = this.resolve(path);
    if (t.kind !== "dataset") return null;
    const v = new this.h5.Dataset(this.file.file_id, t.path).value as unknown;
    const s = Array.isArray(v) ? v[0] : v;
    return typeof s === "string" ? s : null;
  }

  /** A string attribute of a group or dataset of this file, or null. */
  attr(path: string, name: string): string | null {
    const t = this.resolve(path);
    if (t.kind !== "group" && t.kind !== "dataset") return null;
    const obj =
      t.kind === "group"
        ? new this.h5.Group(this.file.file_id, t.path)
        : new this.h5.Dataset(this.file.file_id, t.path);
    const a = obj.attrs[name];
    if (!a) return null;
    const v = a.json_value as unknown;
    const s = Array.isArray(v) ? v[0] : v;
    return typeof s === "string" ? s : null;
  }

  /** What a hard-linked object of this file is (HDF5's H5G_obj_t: group 0, dataset 1). */
  private kindOf(path: string): "group" | "dataset" | "other" {
    if (path === "/") return "group";
    const type = this.file.get_type(path);
    return type === 0 ? "group" : type === 1 ? "dataset" : "other";
  }
}

/** Path components, with `.` dropped and `..` taking the one before it away. */
function split(path: string): string[] {
  const out: string[] = [];
  for (const p of path.split("/")) {
    if (p === "" || p === ".") continue;
    if (p === "..") out.pop();
    else out.push(p);
  }
  return out;
}
