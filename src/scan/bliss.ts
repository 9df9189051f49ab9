/**
 * HDF5 scan files in the ESRF Bliss layout (the Bliss Nexus writer; also plain NeXus NXentry scans
 * laid out the same way): one NXentry group per scan, `/<n>.<m>` (`m` > 1 for the sub-scans of a
 * multi-top-master scan), holding
 *
 * - `measurement/<name>`: every counter and scanned motor, 1D, one value per point (usually soft
 *   links into `instrument/`); the frames of each 2D detector, (points, rows, cols), either a
 *   dataset of this file or a link (soft, then external) to a Lima file (`entry_0000/measurement/data`)
 *   or an Eiger data file (`entry/data/data`);
 * - `instrument/positioners/<motor>`: a scalar for a motor not scanned, 1D for a scanned one
 *   (older files: `positioners_start`, scalars only);
 * - `start_time` (ISO 8601 with offset) and `title` (the scan command).
 *
 * Read whole into memory here (counters are small), the file closed; frames are only located
 * (file, dataset, count), never read. An external link's file is taken relative to the scan file's
 * folder, as the writer makes it; a missing one is recorded and reported if its frames are used.
 */
import { dirname, isAbsolute, resolve } from "node:path";
import { InputError } from "../util/errors.js";
import { H5Tree } from "./h5-tree.js";

/** Where a detector's frames are: a dataset of (points, rows, cols) in an HDF5 file. */
export interface FrameStack {
  /** The file holding the frames, absolute. */
  file: string;
  dataset: string;
  frames: number;
}

export interface BlissScan {
  /** The group's name: `3.1`. */
  key: string;
  /** Scan number and sub-scan (`3.1` → 3, 1); for an NXentry not named so, its place in the file. */
  number: number;
  order: number;
  title: string | null;
  /** `start_time` as written. */
  startTime: string | null;
  /** 1D numeric entries of `measurement`, in file order. */
  counters: Map<string, Float64Array>;
  /** Entries of `measurement` holding frames, or why they cannot be used (a missing external file). */
  stacks: Map<string, FrameStack | string>;
  /** Motors: one position (not scanned) or one per point. */
  positioners: Map<string, number | Float64Array>;
  /** Names in `measurement` that are neither (MCA spectra, strings), for messages. */
  other: string[];
}

export interface BlissFile {
  path: string;
  scans: BlissScan[];
}

const SCAN_KEY = /^(\d+)\.(\d+)$/;

export async function readBlissFile(path: string): Promise<BlissFile> {
  const tree = await H5Tree.open(path);
  const links: ExternalFrames[] = [];
  let scans: BlissScan[];
  try {
    const entries = tree
      .children("/")
      .filter((n) => SCAN_KEY.test(n) || tree.attr(`/${n}`, "NX_class") === "NXentry");
    scans = entries.map((key, i) => readScan(tree, key, i + 1, links));
  } finally {
    tree.close();
  }
  if (scans.length === 0)
    throw new InputError(
      path,
      "no scans in the file (no /<n>.1 or NXentry groups: not a Bliss or NeXus scan file?)",
    );
  // h5wasm lists names in string order (10.1 before 2.1): by number, then the others as found
  scans.sort((a, b) => a.number - b.number || a.order - b.order);
  for (const link of links) link.scan.stacks.set(link.name, await externalStack(link));
  return { path, scans };
}

/** A `measurement` entry that is an external link: counted once the scan file is read. */
interface ExternalFrames {
  scan: BlissScan;
  name: string;
  /** The linked file, absolute, and the dataset there. */
  file: string;
  dataset: string;
}

function readScan(tree: H5Tree, key: string, place: number, links: ExternalFrames[]): BlissScan {
  const m = SCAN_KEY.exec(key);
  const scan: BlissScan = {
    key,
    // an NXentry not named <n>.<m> ("entry") sorts after the numbered ones, in file order
    number: m ? Number(m[1]) : 1e9 + place,
    order: m ? Number(m[2]) : 1,
    title: tree.text(`/${key}/title`),
    startTime: tree.text(`/${key}/start_time`),
    counters: new Map(),
    stacks: new Map(),
    positioners: new Map(),
    other: [],
  };
  for (const name of tree.children(`/${key}/measurement`)) {
    const at = tree.resolve(`/${key}/measurement/${name}`);
    if (at.kind === "external") {
      // the writer names the file relative to the scan file's folder
      const file = isAbsolute(at.file) ? at.file : resolve(dirname(tree.path), at.file);
      links.push({ scan, name, file, dataset: at.path });
      continue;
    }
    const shape = tree.shape(at.path);
    const values = shape?.length === 1 ? tree.numbers(at.path) : null;
    if (shape && shape.length >= 3)
      scan.stacks.set(name, { file: tree.path, dataset: at.path, frames: shape[0]! });
    else if (values) scan.counters.set(name, values);
    else scan.other.push(name);
  }
  for (const group of ["positioners", "positioners_start"]) {
    for (const name of tree.children(`/${key}/instrument/${group}`)) {
      if (scan.positioners.has(name)) continue;
      const v = tree.numbers(`/${key}/instrument/${group}/${name}`);
      if (v) scan.positioners.set(name, v.length === 1 ? v[0]! : v);
    }
  }
  return scan;
}

/** The frames an external link leads to, or why they cannot be used. */
async function externalStack(link: ExternalFrames): Promise<FrameStack | string> {
  const where = `${link.scan.key}/measurement/${link.name} links to ${link.file}`;
  let tree: H5Tree;
  try {
    tree = await H5Tree.open(link.file);
  } catch (err) {
    if (!(err instanceof InputError)) throw err;
    const problem = err.message.slice(link.file.length + 2);
    return `${where}, ${problem === "no such file" ? "which does not exist" : `which cannot be read (${problem})`}`;
  }
  try {
    const at = tree.resolve(link.dataset);
    const shape = at.kind === "dataset" ? tree.shape(at.path) : null;
    if (!shape) return `${where}:${link.dataset}, which is not a dataset there`;
    if (shape.length < 3)
      return `${where}:${link.dataset}, a ${shape.length}D dataset, not a stack of frames`;
    return { file: link.file, dataset: at.path, frames: shape[0]! };
  } finally {
    tree.close();
  }
}
