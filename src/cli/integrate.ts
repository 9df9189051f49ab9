/**
 * `swaxs integrate FILE... --poni P --out OUT`: azimuthal integration of one frame to CSV or .xy,
 * or of many frames (several files, or a multi-frame file without --frame) to a NeXus HDF5 file.
 */
import { extname } from "node:path";
import {
  combineMasks,
  createNxIntegrated,
  type Frame,
  type FrameSource,
  flipUd,
  invalidPixelMask,
  openFrames,
  readFrame,
  readMask,
} from "../formats/index.js";
import {
  type Calibration,
  detectorForFrame,
  RADIAL_UNIT_NAMES,
  radialUnit,
  readPoni,
} from "../geometry/index.js";
import {
  type ErrorModel,
  finishSums,
  Integrator1d,
  type Result1d,
  type SplitMethod,
} from "../integrate/index.js";
import { FramePool } from "../pipeline/frame-pool.js";
import { InputError, PROGRAM, VERSION, workerCount } from "../util/index.js";
import { curveCsv, curveXy, writeAtomic } from "./curves.js";
import { progress } from "./progress.js";

export interface IntegrateCliOptions {
  poni: string;
  out: string;
  mask?: string;
  dark?: string;
  flat?: string;
  npt: string;
  unit: string;
  method: string;
  polarization?: string;
  errorModel: string;
  radialRange?: string;
  flipUd?: boolean;
  dataset?: string;
  frame?: string;
  workers?: string;
}

interface Job {
  source: FrameSource;
  index: number;
}

const TEXT_EXT = new Set([".csv", ".xy", ".dat"]);
const H5_EXT = new Set([".h5", ".hdf5", ".nxs", ".nx5", ".hdf"]);

function intOption(name: string, v: string, min: number): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < min)
    throw new InputError("", `--${name} must be an integer ≥ ${min}, got "${v}"`);
  return n;
}

function parseRange(v: string): [number, number] {
  const parts = v.split(":").map(Number);
  if (parts.length !== 2 || parts.some((x) => !Number.isFinite(x)) || parts[0]! >= parts[1]!)
    throw new InputError("", `--radial-range must be A:B with A < B, got "${v}"`);
  return [parts[0]!, parts[1]!];
}

function parseSettings(o: IntegrateCliOptions) {
  const unit = radialUnit(o.unit);
  if (!unit)
    throw new InputError("", `--unit must be one of ${RADIAL_UNIT_NAMES.join(", ")}, got "${o.unit}"`);
  if (!["no", "bbox", "full"].includes(o.method))
    throw new InputError("", `--method must be no, bbox or full, got "${o.method}"`);
  if (!["poisson", "none"].includes(o.errorModel))
    throw new InputError("", `--error-model must be poisson or none, got "${o.errorModel}"`);
  let polarization: number | null = null;
  if (o.polarization !== undefined) {
    polarization = Number(o.polarization);
    if (!(polarization >= -1 && polarization <= 1))
      throw new InputError("", `--polarization must be a number in [-1, 1], got "${o.polarization}"`);
  }
  const ext = extname(o.out).toLowerCase();
  if (!TEXT_EXT.has(ext) && !H5_EXT.has(ext))
    throw new InputError(o.out, "output must end in .csv, .xy, .dat (one frame) or .h5, .nxs (many frames)");
  return {
    npt: intOption("npt", o.npt, 1),
    unit: unit.name,
    method: o.method as SplitMethod,
    errorModel: o.errorModel as ErrorModel,
    polarization,
    radialRange: o.radialRange ? parseRange(o.radialRange) : null,
    frame: o.frame === undefined ? null : intOption("frame", o.frame, 0),
    ext,
  };
}

async function collectJobs(files: string[], o: IntegrateCliOptions, frame: number | null): Promise<Job[]> {
  const jobs: Job[] = [];
  for (const file of files) {
    const source = await openFrames(file, { dataset: o.dataset });
    if (frame !== null) {
      if (frame >= source.frameCount)
        throw new InputError(file, `--frame ${frame} out of range (file has ${source.frameCount} frames)`);
      jobs.push({ source, index: frame });
    } else {
      for (let i = 0; i < source.frameCount; i++) jobs.push({ source, index: i });
    }
  }
  return jobs;
}

async function readJob(job: Job, flip: boolean): Promise<Frame> {
  const f = await job.source.readFrame(job.index);
  return flip ? flipUd(f) : f;
}

async function auxImage(path: string | undefined, shape: [number, number], flip: boolean, what: string) {
  if (!path) return null;
  let f = await readFrame(path);
  if (f.shape[0] !== shape[0] || f.shape[1] !== shape[1])
    throw new InputError(path, `${what} is ${f.shape[0]}×${f.shape[1]}, frames are ${shape[0]}×${shape[1]}`);
  if (flip) f = flipUd(f);
  return Float32Array.from(f.data);
}

export async function integrateCommand(files: string[], o: IntegrateCliOptions): Promise<void> {
  // the time reported covers reading, building the pixel→bin matrix and integrating
  const t0 = performance.now();
  const s = parseSettings(o);
  const cal: Calibration = await readPoni(o.poni);
  const jobs = await collectJobs(files, o, s.frame);
  let pool: FramePool | null = null;
  try {
    if (jobs.length === 0) throw new InputError(files[0] ?? "", "no frames to integrate");
    if (jobs.length > 1 && !H5_EXT.has(s.ext))
      throw new InputError(o.out, `${jobs.length} frames need an HDF5 output (.h5 or .nxs), not ${s.ext}`);
    const shape = jobs[0]!.source.shape;
    for (const j of jobs) {
      if (j.source.shape[0] !== shape[0] || j.source.shape[1] !== shape[1])
        throw new InputError(
          j.source.path,
          `frames are ${j.source.shape.join("×")}, the first file's are ${shape.join("×")}`,
        );
    }
    cal.detector = detectorForFrame(cal.detector, shape, jobs[0]!.source.path);
    const flip = o.flipUd === true;
    // many frames: each read, decoded and integrated by a worker thread (the main thread only
    // writes rows), the threads started now so that their start-up overlaps the matrix's building
    const nWorkers = o.workers !== undefined ? intOption("workers", o.workers, 0) : workerCount();
    pool =
      jobs.length > 4 && nWorkers > 0 && H5_EXT.has(s.ext)
        ? new FramePool(nWorkers, { ...(o.dataset !== undefined && { dataset: o.dataset }), flipUd: flip })
        : null;
    await pool?.warmFor([jobs[0]!.source.path]);
    const first = await readJob(jobs[0]!, flip);
    // pyFAI users pass mask = (image < 0) with Pilatus data; the first frame's invalid pixels join
    // the static mask (so the radial range ignores them) and later frames are checked per frame.
    const mask = combineMasks([
      invalidPixelMask(first),
      o.mask ? await readMask(o.mask, shape, { flipUd: flip }) : null,
    ]);
    const integ = new Integrator1d(cal, shape, {
      npt: s.npt,
      unit: s.unit,
      method: s.method,
      radialRange: s.radialRange,
      polarizationFactor: s.polarization,
      errorModel: s.errorModel,
      mask,
      dark: await auxImage(o.dark, shape, flip, "dark"),
      flat: await auxImage(o.flat, shape, flip, "flat"),
    });
    if (TEXT_EXT.has(s.ext)) {
      const res = integ.integrate(first.data, first.dtype);
      const info = {
        File: jobs[0]!.source.path,
        Frame: String(jobs[0]!.index),
        Method: `${s.method} splitting, ${s.npt} bins, unit ${s.unit}`,
        "Polarization factor": String(s.polarization ?? "none"),
        "Error model": s.errorModel,
        "Flipped up-down": String(flip),
      };
      await writeAtomic(o.out, s.ext === ".csv" ? curveCsv(res) : curveXy(res, cal, info));
    } else {
      await integrateMany(jobs, first, integ, o, s, flip, pool?.setup(integ) ?? null);
    }
    const sec = (performance.now() - t0) / 1000;
    process.stderr.write(
      `integrated ${jobs.length} frame${jobs.length > 1 ? "s" : ""} in ${sec.toFixed(2)} s` +
        (jobs.length > 1 ? ` (${(jobs.length / sec).toFixed(1)} frames/s)` : "") +
        ` → ${o.out}\n`,
    );
  } finally {
    for (const src of new Set(jobs.map((j) => j.source))) src.close();
    await pool?.close();
  }
}

async function integrateMany(
  jobs: Job[],
  first: Frame,
  integ: Integrator1d,
  o: IntegrateCliOptions,
  s: ReturnType<typeof parseSettings>,
  flip: boolean,
  pool: FramePool | null,
): Promise<void> {
  const writer = await createNxIntegrated(
    o.out,
    {
      radial: integ.radial,
      radialName: integ.unit.label,
      radialUnits: integ.unit.units,
      frames: jobs.length,
      sourceFiles: [...new Set(jobs.map((j) => j.source.path))],
      program: PROGRAM,
      version: VERSION,
      date: new Date().toISOString(),
      config: JSON.stringify({ ...s, poni: o.poni, mask: o.mask, dark: o.dark, flat: o.flat, flipUd: flip }),
    },
    { dtype: "float64", errors: s.errorModel === "poisson" },
  );
  const bar = progress("integrate", jobs.length);
  const write = (i: number, r: Result1d) => {
    writer.writeRow(i, r.intensity, r.sigma ?? undefined);
    bar.tick();
  };
  try {
    if (!pool) {
      for (let i = 0; i < jobs.length; i++) {
        const f = i === 0 ? first : await readJob(jobs[i]!, flip);
        write(i, integ.integrate(f.data, f.dtype));
      }
    } else {
      // keep a bounded number of frames in flight so memory does not grow with the frame count
      const inflight = new Set<Promise<void>>();
      for (let i = 0; i < jobs.length; i++) {
        const job = jobs[i]!;
        const p: Promise<void> = pool.sums(job.source.path, job.index).then((sums) => {
          write(i, finishSums(integ, sums, 1));
          inflight.delete(p);
        });
        // handled here so a failure while the next frame is read is not an unhandled rejection;
        // Promise.race/all below still see it
        p.catch(() => {});
        inflight.add(p);
        if (inflight.size >= 2 * pool.size) await Promise.race(inflight);
      }
      await Promise.all(inflight);
    }
    writer.finish();
  } catch (err) {
    writer.abort();
    throw err;
  } finally {
    bar.stop();
  }
}
