/**
 * Where each chunk of a chunked HDF5 dataset lies in its file, read without HDF5: h5wasm has no
 * raw-chunk API (no H5Dread_chunk, no H5Dget_chunk_info), so the direct frame reader (h5-direct.ts)
 * finds the chunks itself from the dataset's object header (its address comes from h5wasm: an
 * object reference). The superblock and header are read by h5-object-header.ts, the messages by
 * h5-messages.ts, the chunk index by h5-chunk-index.ts; all after the HDF5 File Format
 * Specification version 3 (https://docs.hdfgroup.org/hdf5/develop/_f_m_t3.html).
 *
 * Corrupt structures are InputErrors naming the file; layouts this reader does not cover (other
 * chunk indexes, shared messages, unusual types) come back as a string saying why, for the caller
 * to fall back to h5wasm.
 */
import { InputError } from "../util/errors.js";
import { type ChunkTable, readChunkTable } from "./h5-chunk-index.js";
import {
  chunkLayout,
  dataspace,
  datatype,
  fillValue,
  filterPipeline,
  type H5ChunkLayout,
  type H5Filter,
  type H5Type,
  MSG,
} from "./h5-messages.js";
import { readMessages, readSuperblock } from "./h5-object-header.js";
import type { H5Bytes, H5Sizes } from "./h5-read.js";

export type { ChunkEntry, ChunkTable } from "./h5-chunk-index.js";
export type { H5Filter, H5Type } from "./h5-messages.js";
export { H5Bytes } from "./h5-read.js";

export interface ChunkedDataset {
  /** Current dimensions. */
  dims: number[];
  type: H5Type;
  /** Chunk dimensions (elements). */
  chunk: number[];
  filters: H5Filter[];
  /** The fill value's bytes (file order), null for zeros, "never" when HDF5 writes none. */
  fill: Uint8Array | null | "never";
  /** Allocated chunks by row-major index over the grid of chunks. */
  chunks: ChunkTable;
}

/**
 * The chunked dataset whose object header is at `address` (relative to the file's base address,
 * as an HDF5 object reference holds it), or why it is not read directly.
 */
export function readChunkedDataset(file: H5Bytes, address: number): ChunkedDataset | string {
  let header: Omit<ChunkedDataset, "chunks" | "chunk"> & {
    layout: H5ChunkLayout;
    max: number[];
    sizes: H5Sizes;
  };
  try {
    const found = readHeader(file, address);
    if (typeof found === "string") return found;
    header = found;
  } catch (err) {
    // h5wasm has read this header already: what we cannot follow is ours to give up on, not an error
    if (err instanceof InputError) return `object header not understood (${err.message})`;
    throw err;
  }
  const { dims, max, layout, sizes } = header;
  const chunks = readChunkTable(file, sizes, { dims, max, layout });
  if (typeof chunks === "string") return chunks;
  return { dims, type: header.type, chunk: layout.chunk, filters: header.filters, fill: header.fill, chunks };
}

function readHeader(file: H5Bytes, address: number) {
  const sizes = readSuperblock(file);
  const messages = readMessages(file, sizes, address + sizes.base);
  const find = (type: number) => messages.find((m) => m.type === type);
  const [space, typeMsg, layoutMsg] = [MSG.dataspace, MSG.datatype, MSG.layout].map((t) => find(t));
  if (!space || !typeMsg || !layoutMsg) return "object header has no dataspace, datatype or layout";
  const fillMsg = find(MSG.fill) ?? find(MSG.fillOld);
  const filterMsg = find(MSG.filters);
  const shared = [space, typeMsg, layoutMsg, fillMsg, filterMsg].find((m) => m && m.flags & 0x02);
  if (shared) return `shared header message (type ${shared.type})`;
  const { dims, max } = dataspace(file, sizes, space.data);
  const type = datatype(file, typeMsg.data);
  if (typeof type === "string") return type;
  const layout = chunkLayout(file, sizes, layoutMsg.data);
  if (typeof layout === "string") return layout;
  if (layout.chunk.length !== dims.length) {
    file.fail(
      `dataset at byte ${address}: chunks have ${layout.chunk.length} dimensions, data ${dims.length}`,
    );
  }
  if (layout.elementSize !== type.size) {
    file.fail(`dataset at byte ${address}: chunk element size ${layout.elementSize}, type size ${type.size}`);
  }
  const filters = filterMsg ? filterPipeline(file, filterMsg.data) : [];
  const fill = fillMsg ? fillValue(file, fillMsg.type, fillMsg.data) : null;
  return { dims, max, type, layout, filters, fill, sizes };
}
