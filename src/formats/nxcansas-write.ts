/**
 * NXcanSAS writer: 1-D reduced SAXS curves I(|Q|) in the NeXus application definition NXcanSAS
 * (NeXus definitions, applications/NXcanSAS.nxdl.xml, canSAS version 1.1), the HDF5 format that
 * SasView loads directly. One SASentry per curve, each with one SASdata group:
 *
 *   /                      @NX_class=NXroot @default @file_name @file_time @producer @creator
 *   /<name>                @NX_class=NXentry @canSAS_class=SASentry @version="1.1" @default=sasdata
 *     definition           "NXcanSAS"
 *     title, run
 *     sasdata              @NX_class=NXdata @canSAS_class=SASdata @signal=I @I_axes=Q @Q_indices=0
 *       I                  @units @uncertainties=Idev (when sigma is given)
 *       Idev               @units (same as I)
 *       Q                  @units
 *     sasprocess           @NX_class=NXprocess @canSAS_class=SASprocess: name, date, description
 *
 * What SasView's reader (sasdata, dataloader/readers/cansas_reader_HDF5.py) relies on, beyond the
 * NeXus side of the definition:
 * - groups are recognised only by `canSAS_class` (NX_class is looked at only when canSAS_class is
 *   absent, and "NXentry" is not "SASentry"), so every group carries both;
 * - Q's `units` string is looked up verbatim in its unit table (data_util/nxsunit.py) to convert
 *   Q to 1/Å: "1/nm" and "1/angstrom" are there with the right factors, while e.g. "nm^{-1}" is
 *   there with the wrong one (treated as 1/Å), so only the spellings the NXcanSAS enumeration lists
 *   are accepted here;
 * - `I_axes` may be a plain string (it is split on ","), `Q_indices` a scalar integer;
 * - entries come back in HDF5 name order, not in writing order; the default names sasentry01, …
 *   are zero-padded so both orders agree;
 * - it flags curves with fewer than 5 points as errors (still loaded).
 */
import { basename } from "node:path";
import { exactFloats, type H5File } from "./h5.js";
import { createTempH5, discardTempH5, publishTempH5 } from "./h5-temp.js";

type FloatArray = Float32Array | Float64Array;

/** Q units of the NXcanSAS enumeration for Q/@units ("1/nm" is the preferred one). */
export type CanSasQUnits = "1/nm" | "1/angstrom";

/**
 * Intensity units of the NXcanSAS enumeration for I/@units: absolute scales ("1/m", "1/cm",
 * "m2/g", "cm2/g") or "arbitrary" for relative intensities such as ours.
 */
export type CanSasIntensityUnits = "1/m" | "1/cm" | "m2/g" | "cm2/g" | "arbitrary";

export interface CanSasEntry {
  /** HDF5 group name of the SASentry; default sasentry01, sasentry02, … (zero-padded). */
  name?: string;
  /** Title of the SASentry (sample, condition): what SasView shows for the data set. */
  title: string;
  /** Run identification (a scan or frame number, a file name). */
  run: string;
  /** |Q| in 1/nm, finite, ≥ 0 and strictly increasing. */
  qNm: Float64Array;
  /** Intensity at each Q; written with its own precision. NaN is allowed (SasView drops the point). */
  intensity: FloatArray;
  /** Standard deviation of the intensity (written as Idev, same precision as intensity). */
  sigma?: FloatArray;
  /** Units of Q in the file (the values are converted from 1/nm); default "1/nm". */
  qUnits?: CanSasQUnits;
  /** Units of I and Idev; default "arbitrary" (our intensities are relative). */
  iUnits?: CanSasIntensityUnits;
  /** ISO 8601 time of the measurement, written as SASdata/@timestamp. */
  time?: string;
}

export interface CanSasMeta {
  program: string;
  version: string;
  /** ISO 8601 date of processing (file_time, SASprocess/date). */
  date: string;
}

// NeXus names: the "relaxed" rule of the NeXus validation (letters, digits, _, inner dots).
const NX_NAME = /^[A-Za-z0-9_]([A-Za-z0-9_.]*[A-Za-z0-9_])?$/;
const Q_UNITS: Record<CanSasQUnits, number> = { "1/nm": 1, "1/angstrom": 0.1 };
const I_UNITS: readonly string[] = ["1/m", "1/cm", "m2/g", "cm2/g", "arbitrary"];
// NX_DATE_TIME is ISO 8601: a date, optionally with a time and a UTC offset.
const ISO_8601 = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}(:?\d{2})?)?)?$/;

/**
 * Write `entries` as one NXcanSAS file at `path`. Everything is checked first (RangeError naming
 * the entry); the file is written under a temporary name and renamed when complete, so a failure
 * never leaves a file at `path` (an existing one stays as it was).
 */
export async function writeNxCanSas(path: string, entries: CanSasEntry[], meta: CanSasMeta): Promise<void> {
  const names = checkEntries(entries);
  const { file, tempPath } = await createTempH5(path);
  try {
    writeFile(file, path, entries, names, meta);
  } catch (err) {
    throw discardTempH5(file, tempPath, path, err);
  }
  publishTempH5(file, tempPath, path);
}

/** Validate every entry; returns the group names to use. */
function checkEntries(entries: CanSasEntry[]): string[] {
  if (entries.length === 0) throw new RangeError("no entries to write");
  const width = Math.max(2, String(entries.length).length);
  const names = entries.map((e, i) => e.name ?? `sasentry${String(i + 1).padStart(width, "0")}`);
  const seen = new Set<string>();
  entries.forEach((e, i) => {
    const name = names[i]!;
    const where = `entry ${i} ("${name}")`;
    if (!NX_NAME.test(name)) throw new RangeError(`${where}: "${name}" cannot be used as a NeXus group name`);
    if (seen.has(name)) throw new RangeError(`${where}: duplicate entry name`);
    seen.add(name);
    const n = e.qNm.length;
    if (n === 0) throw new RangeError(`${where}: Q is empty`);
    if (e.intensity.length !== n) {
      throw new RangeError(`${where}: intensity has ${e.intensity.length} values, Q has ${n}`);
    }
    if (e.sigma && e.sigma.length !== n) {
      throw new RangeError(`${where}: sigma has ${e.sigma.length} values, Q has ${n}`);
    }
    for (let k = 0; k < n; k++) {
      const q = e.qNm[k]!;
      if (!Number.isFinite(q) || q < 0)
        throw new RangeError(`${where}: Q[${k}] = ${q} is not a finite |Q| ≥ 0`);
      if (k > 0 && !(q > e.qNm[k - 1]!)) {
        throw new RangeError(
          `${where}: Q is not strictly increasing (Q[${k - 1}] = ${e.qNm[k - 1]}, Q[${k}] = ${q})`,
        );
      }
    }
    if (e.qUnits !== undefined && !Object.hasOwn(Q_UNITS, e.qUnits)) {
      throw new RangeError(
        `${where}: Q units "${e.qUnits}" are not one of ${Object.keys(Q_UNITS).join(", ")}`,
      );
    }
    if (e.iUnits !== undefined && !I_UNITS.includes(e.iUnits)) {
      throw new RangeError(`${where}: intensity units "${e.iUnits}" are not one of ${I_UNITS.join(", ")}`);
    }
    if (e.time !== undefined && !(ISO_8601.test(e.time) && !Number.isNaN(Date.parse(e.time)))) {
      throw new RangeError(`${where}: time "${e.time}" is not an ISO 8601 date`);
    }
  });
  return names;
}

function writeFile(
  file: H5File,
  path: string,
  entries: CanSasEntry[],
  names: string[],
  meta: CanSasMeta,
): void {
  // NXroot attributes. HDF5_Version is left out: h5wasm does not report its library version.
  file.create_attribute("NX_class", "NXroot");
  file.create_attribute("default", names[0]!);
  file.create_attribute("file_name", basename(path));
  file.create_attribute("file_time", meta.date);
  // "producer" is what the canSAS example files use, "creator" what the NXroot base class names.
  file.create_attribute("producer", `${meta.program} ${meta.version}`);
  file.create_attribute("creator", `${meta.program} ${meta.version}`);

  entries.forEach((e, i) => {
    const entry = file.create_group(names[i]!);
    entry.create_attribute("NX_class", "NXentry");
    entry.create_attribute("canSAS_class", "SASentry");
    // A text attribute, not a number: the definition says so and enumerates only "1.1".
    entry.create_attribute("version", "1.1");
    entry.create_attribute("default", "sasdata");
    entry.create_dataset({ name: "definition", data: "NXcanSAS" });
    entry.create_dataset({ name: "title", data: e.title });
    entry.create_dataset({ name: "run", data: e.run });

    const data = entry.create_group("sasdata");
    data.create_attribute("NX_class", "NXdata");
    data.create_attribute("canSAS_class", "SASdata");
    data.create_attribute("signal", "I");
    data.create_attribute("I_axes", "Q");
    data.create_attribute("Q_indices", 0, null, "<i");
    // The generic NeXus way to name the axis, for viewers that do not know NXcanSAS (silx, h5web).
    data.create_attribute("axes", "Q");
    if (e.time !== undefined) data.create_attribute("timestamp", e.time);

    const iUnits = e.iUnits ?? "arbitrary";
    const ctor = e.intensity instanceof Float32Array ? Float32Array : Float64Array;
    const dtype = ctor === Float32Array ? "<f" : "<d";
    const I = data.create_dataset({ name: "I", data: exactFloats(e.intensity, ctor), dtype });
    I.create_attribute("units", iUnits);
    if (e.sigma) {
      I.create_attribute("uncertainties", "Idev");
      const dev = data.create_dataset({ name: "Idev", data: exactFloats(e.sigma, ctor), dtype });
      dev.create_attribute("units", iUnits); // the definition: Idev has the units of I
    }
    const qUnits = e.qUnits ?? "1/nm";
    const scale = Q_UNITS[qUnits];
    const q = scale === 1 ? exactFloats(e.qNm, Float64Array) : Float64Array.from(e.qNm, (v) => v * scale);
    data.create_dataset({ name: "Q", data: q, dtype: "<d" }).create_attribute("units", qUnits);

    const proc = entry.create_group("sasprocess");
    proc.create_attribute("NX_class", "NXprocess");
    proc.create_attribute("canSAS_class", "SASprocess");
    proc.create_dataset({ name: "name", data: meta.program });
    proc.create_dataset({ name: "date", data: meta.date });
    proc.create_dataset({ name: "description", data: `${meta.program} ${meta.version}` });
  });
}
