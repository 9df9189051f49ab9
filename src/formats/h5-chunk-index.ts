/**
 * The chunk index of a chunked dataset, walked into a table: chunk → (file address, stored size,
 * filter mask). Layouts from the HDF5 File Format Specification version 3 (docs.hdfgroup.org):
 *
 * - Version-1 B-tree (section III.A.1): "TREE", node type (1 = raw data chunks), level, entries
 *   used (2), left and right sibling addresses, then key₀ child₀ key₁ … keyₙ. A chunk key is the
 *   chunk's stored size (4), its filter mask (4) and its offset in elements in each dimension plus
 *   one trailing 0 (8 bytes each); key i describes child i. Level-0 children are chunks, the others
 *   nodes one level down.
 * - Fixed array (section VII.B, layout version 4 index type 3): header "FAHD" (version, client id
 *   0 = unfiltered / 1 = filtered chunks, entry size, page bits, entry count, data block address,
 *   checksum) and data block "FADB" (version, client id, header address, entries, checksum). An
 *   entry is a chunk address, plus for filtered chunks its size (entry size − offsets − 4 bytes) and
 *   filter mask (4). Entries run over the chunk grid of the maximum dimensions in row-major order
 *   (H5Dfarray.c). More than 2^page bits entries are paged: not read here.
 * - Single chunk (index type 1): the layout message itself holds the address (and, filtered, size
 *   and mask).
 */
import type { H5ChunkLayout } from "./h5-messages.js";
import { Cursor, type H5Bytes, type H5Sizes, UNDEFINED } from "./h5-read.js";

export interface ChunkEntry {
  address: number;
  size: number;
  /** Bit k set: filter k of the pipeline was not applied to this chunk. */
  mask: number;
}

/** Allocated chunks by their row-major index in the grid of chunks over the current dimensions. */
export type ChunkTable = Map<number, ChunkEntry>;

/** A dataset's shape as the index needs it. */
export interface ChunkGrid {
  dims: number[];
  max: number[];
  layout: H5ChunkLayout;
}

/** The table of every allocated chunk, or why this index is not read directly. */
export function readChunkTable(file: H5Bytes, sizes: H5Sizes, grid: ChunkGrid): ChunkTable | string {
  const { layout } = grid;
  const full = layout.chunk.reduce((a, b) => a * b, layout.elementSize);
  const table: ChunkTable = new Map();
  const add = (coords: number[], entry: ChunkEntry) => {
    if (entry.address === UNDEFINED) return;
    const k = linear(coords, layout.chunk, grid.dims);
    if (k < 0) return; // outside the current extent (a dataset shrunk after writing)
    file.checkSpan(entry.address, entry.size, `chunk ${coords.join(",")}`);
    table.set(k, entry);
  };
  const index = layout.index;
  if (index.kind === "single") {
    const size = index.filteredSize ?? full;
    add(new Array(grid.dims.length).fill(0), { address: index.address, size, mask: index.filterMask });
  } else if (index.kind === "btree1") {
    if (index.address !== UNDEFINED) walkBtree(file, sizes, grid, index.address, add);
  } else {
    const problem = fixedArray(file, sizes, grid, index.address, full, add);
    if (problem) return problem;
  }
  return table;
}

/** Row-major index of the chunk holding element `offset` over the current grid, -1 outside it. */
function linear(offset: number[], chunk: number[], dims: number[]): number {
  let k = 0;
  for (let d = 0; d < dims.length; d++) {
    const n = Math.ceil(dims[d]! / chunk[d]!);
    const c = Math.floor(offset[d]! / chunk[d]!);
    if (c >= n) return -1;
    k = k * n + c;
  }
  return k;
}

function walkBtree(
  file: H5Bytes,
  sizes: H5Sizes,
  grid: ChunkGrid,
  root: number,
  add: (coords: number[], entry: ChunkEntry) => void,
): void {
  const rank = grid.dims.length;
  const keySize = 8 + 8 * (rank + 1);
  const seen = new Set<number>();
  const stack: { at: number; level: number }[] = [{ at: root, level: -1 }];
  while (stack.length > 0) {
    const { at, level } = stack.pop()!;
    if (seen.has(at)) file.fail(`chunk B-tree node at byte ${at} is reached twice (a loop)`);
    seen.add(at);
    const head = new Cursor(file.read(at, 8, "chunk B-tree node"), file, `chunk B-tree node at byte ${at}`);
    if (head.ascii(4) !== "TREE") head.fail('no "TREE" signature');
    const type = head.u8();
    const nodeLevel = head.u8();
    const used = head.u16();
    if (type !== 1) head.fail(`node type ${type}, expected 1 (raw data chunks)`);
    if (level >= 0 && nodeLevel !== level) head.fail(`level ${nodeLevel} under a node of level ${level + 1}`);
    const length = 8 + 2 * sizes.offsets + used * (keySize + sizes.offsets) + keySize;
    const c = new Cursor(
      file.read(at, length, "chunk B-tree node"),
      file,
      `chunk B-tree node at byte ${at}`,
      sizes,
    );
    c.skip(8 + 2 * sizes.offsets);
    for (let i = 0; i < used; i++) {
      const size = c.u32();
      const mask = c.u32();
      const coords = Array.from({ length: rank }, () => c.uint(8));
      if (c.uint(8) !== 0) c.fail("chunk key's last offset is not 0 (dimensionality disagrees)");
      const child = c.address();
      if (child === UNDEFINED) c.fail(`child ${i} has no address`);
      if (coords.some((v, d) => v % grid.layout.chunk[d]! !== 0)) {
        c.fail(`chunk offset ${coords.join(",")} is not on the chunk grid`);
      }
      if (nodeLevel === 0) add(coords, { address: child, size, mask });
      else stack.push({ at: child, level: nodeLevel - 1 });
    }
  }
}

function fixedArray(
  file: H5Bytes,
  sizes: H5Sizes,
  grid: ChunkGrid,
  address: number,
  full: number,
  add: (coords: number[], entry: ChunkEntry) => void,
): string | null {
  if (address === UNDEFINED) return null; // nothing written yet
  const what = `fixed array header at byte ${address}`;
  const h = new Cursor(file.read(address, 12 + sizes.lengths + sizes.offsets, what), file, what, sizes);
  if (h.ascii(4) !== "FAHD") h.fail('no "FAHD" signature');
  if (h.u8() !== 0) h.fail("version is not 0");
  const client = h.u8();
  const entrySize = h.u8();
  const pageBits = h.u8();
  const count = h.length();
  const block = h.address();
  if (count > 2 ** pageBits) return "paged fixed-array chunk index";
  const minEntry = sizes.offsets + (client === 1 ? 5 : 0);
  if (client > 1 || entrySize < minEntry || entrySize > sizes.offsets + 12) h.fail(`entry size ${entrySize}`);
  const max = grid.max.map((m, d) => (m < 0 ? grid.dims[d]! : m));
  const gridMax = max.map((m, d) => Math.ceil(m / grid.layout.chunk[d]!));
  if (gridMax.reduce((a, b) => a * b, 1) !== count)
    h.fail(`${count} entries for a grid of ${gridMax.join("x")}`);
  if (block === UNDEFINED) return null;
  const bwhat = `fixed array data block at byte ${block}`;
  const prefix = 6 + sizes.offsets;
  const c = new Cursor(file.read(block, prefix + count * entrySize, bwhat), file, bwhat, sizes);
  if (c.ascii(4) !== "FADB") c.fail('no "FADB" signature');
  c.skip(2 + sizes.offsets);
  const coords = new Array<number>(gridMax.length).fill(0);
  for (let k = 0; k < count; k++) {
    const start = c.pos;
    const at = c.address();
    const size = client === 1 ? c.uint(entrySize - sizes.offsets - 4) : full;
    const mask = client === 1 ? c.u32() : 0;
    c.skip(start + entrySize - c.pos);
    let rest = k;
    for (let d = gridMax.length - 1; d >= 0; d--) {
      coords[d] = (rest % gridMax[d]!) * grid.layout.chunk[d]!;
      rest = Math.floor(rest / gridMax[d]!);
    }
    add(coords, { address: at, size, mask });
  }
  return null;
}
