/**
 * `swaxs inspect FILE [--dataset PATH] [--frame N] [--json]`: what a detector file holds: format,
 * shape, dtype, frame count, header metadata and statistics of one frame (all pixels as stored,
 * invalid ones included, so the numbers can be checked against any other reader).
 */
import { listDatasets, openFrames } from "../formats/index.js";
import { InputError } from "../util/errors.js";

export interface InspectOptions {
  dataset?: string;
  frame?: string;
  json?: boolean;
}

function stats(data: ArrayLike<number>) {
  let sum = 0;
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  let negative = 0;
  for (let k = 0; k < data.length; k++) {
    const v = data[k]!;
    sum += v;
    if (v < min) min = v;
    if (v > max) max = v;
    if (v < 0) negative++;
  }
  return { sum, min, max, negative };
}

export async function inspectCommand(file: string, o: InspectOptions): Promise<void> {
  const src = await openFrames(file, { dataset: o.dataset });
  try {
    const index = o.frame === undefined ? 0 : Number(o.frame);
    if (!(Number.isInteger(index) && index >= 0 && index < src.frameCount))
      throw new InputError(file, `--frame ${o.frame} out of range (file has ${src.frameCount} frames)`);
    const frame = await src.readFrame(index);
    const st = stats(frame.data);
    const datasets = src.format === "hdf5" ? await listDatasets(file) : undefined;
    const out = {
      file,
      format: src.format,
      shape: frame.shape,
      dtype: frame.dtype,
      frames: src.frameCount,
      frame: index,
      sum: st.sum,
      min: st.min,
      max: st.max,
      negative_pixels: st.negative,
      metadata: { ...src.metadata, ...frame.metadata },
      ...(datasets ? { datasets } : {}),
    };
    if (o.json) {
      process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
      return;
    }
    const lines = [
      `file      ${file}`,
      `format    ${src.format}`,
      `frames    ${src.frameCount}`,
      `shape     ${frame.shape[0]} × ${frame.shape[1]} (rows × columns)`,
      `dtype     ${frame.dtype}`,
      `frame ${index}   sum ${st.sum}  min ${st.min}  max ${st.max}  negative pixels ${st.negative}`,
    ];
    const meta = Object.entries(out.metadata);
    if (meta.length) lines.push("metadata", ...meta.map(([k, v]) => `  ${k}: ${v}`));
    if (datasets) {
      lines.push("datasets");
      for (const d of datasets) lines.push(`  ${JSON.stringify(d)}`);
    }
    process.stdout.write(`${lines.join("\n")}\n`);
  } finally {
    src.close();
  }
}
