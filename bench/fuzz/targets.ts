/**
 * What the fuzzer feeds (bench/fuzz): every reader of user files, each with its seed files (real
 * samples from test/fixtures, or small files our writers make) and the call a user's command makes.
 * A reader may accept an input or refuse it with an InputError naming the file; anything else
 * (another exception, a hang, a memory blow-up) is a finding.
 */
import { existsSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { readCycler } from "../../src/echem/index.js";
import {
  encodeCbf,
  encodeEdf,
  encodeTiff,
  type Frame,
  openFrames,
  readMask,
} from "../../src/formats/index.js";
import { readPoni } from "../../src/geometry/index.js";
import { loadConfig } from "../../src/pipeline/config.js";
import { readScanLog } from "../../src/scan/index.js";
import { readFixture } from "../../test/support/fixtures.js";

export interface Target {
  name: string;
  /** File name the input is written under (the extension some readers look at). */
  file: string;
  /** Text formats get grammar-aware mutations too. */
  text: boolean;
  seeds: () => Uint8Array[];
  /** Read the file as the commands do. */
  read: (path: string) => Promise<unknown>;
}

const enc = new TextEncoder();

/** Open a frame file and read its first and last frames, as `swaxs inspect`/`run` do. */
async function frames(path: string): Promise<void> {
  const src = await openFrames(path);
  try {
    await src.readFrame(0);
    if (src.frameCount > 1) await src.readFrame(src.frameCount - 1);
  } finally {
    src.close();
  }
}

function frame(dtype: "int32" | "uint16" | "float32", shape: [number, number]): Frame {
  const n = shape[0] * shape[1];
  const data =
    dtype === "int32" ? new Int32Array(n) : dtype === "uint16" ? new Uint16Array(n) : new Float32Array(n);
  for (let k = 0; k < n; k++)
    data[k] = (k * 7919) % 1000 === 0 ? (dtype === "int32" ? -1 : 3) : (k * 31) % 97;
  return { data, shape, dtype, metadata: {} };
}

/** The first `n` lines of a text (a big sample kept small, so 10⁴ variants run in seconds). */
function head(bytes: Uint8Array, n: number): Uint8Array {
  let lines = 0;
  for (let i = 0; i < bytes.length; i++)
    if (bytes[i] === 10 && ++lines === n) return bytes.subarray(0, i + 1);
  return bytes;
}

const SCAN_LOG = `time,detector,file,frame,x_mm,y_mm,exposure_s,i0,it
2024-05-14T08:00:00.000Z,saxs,frames/saxs_000.cbf,0,-0.5000,-0.3550,1,98284,0
2024-05-14T08:00:00.000Z,waxs,frames/waxs_000.cbf,0,-0.5000,-0.3550,1,98284,0
2024-05-14T08:00:01.500Z,saxs,frames/saxs_001.cbf,0,0.5000,-0.3550,1,100119,0
2024-05-14T08:00:01.500Z,waxs,frames/waxs_001.cbf,0,0.5000,-0.3550,1,100119,0
2024-05-14T08:00:03.000Z,saxs,frames/saxs_002.cbf,0,-0.5000,-0.2550,1.5,99874,12
`;

const CONFIG = `scan: scan.csv
detectors:
  saxs: {poni: saxs.poni, mask: saxs_mask.edf, npt: 500, unit: q_nm^-1, monitor: i0, polarization: 0.99}
  waxs: {poni: waxs.poni, npt: 800, unit: q_nm^-1, method: bbox}
background:
  saxs: empty_saxs.cbf
calibrant: {waxs: {file: calibrant_waxs.cbf, phase: CeO2}}
transmission: {empty_it_over_i0: 0.89864}
echem:
  file: cycling.mpt
  timezone: Europe/Rome
  mass_mg: 0.15
normalize:
  waxs: ocv-mean
bands: [{name: Li2S, detector: waxs, q: [18.3, 20.8]}, {name: S, detector: saxs, q: [0.2, 1]}]
peaks: [{name: Li2S, phase: Li2S, detector: waxs, q: [17, 24.5], region: cathode, scherrer_k: 0.9}]
maps: {at_sod: [0, 50, 100]}
stack: [other, cathode, separator, anode, other]
out: results
`;

/** The files the config seed names, so its checks get past "file not found" (empty: only their existence is checked). */
function companions(dir: string): void {
  for (const f of [
    "scan.csv",
    "saxs.poni",
    "waxs.poni",
    "saxs_mask.edf",
    "empty_saxs.cbf",
    "calibrant_waxs.cbf",
    "cycling.mpt",
  ]) {
    const p = join(dir, f);
    if (!existsSync(p)) writeFileSync(p, "");
  }
}

export const TARGETS: Target[] = [
  {
    name: "cbf",
    file: "frame.cbf",
    text: false,
    seeds: () => [
      readFixture("fabio", "fabio_pilatus.cbf"),
      readFixture("fabio", "fabio_uint16.cbf"),
      encodeCbf(frame("int32", [40, 33])),
    ],
    read: frames,
  },
  {
    name: "edf",
    file: "frame.edf",
    text: false,
    seeds: () => [
      readFixture("fabio", "fabio_float32.edf"),
      readFixture("fabio", "fabio_stack_u16.edf"),
      encodeEdf([frame("uint16", [20, 17]), frame("uint16", [20, 17])]),
    ],
    read: frames,
  },
  {
    name: "tiff",
    file: "frame.tif",
    text: false,
    seeds: () => [
      encodeTiff(frame("int32", [24, 19])),
      encodeTiff([frame("uint16", [16, 16]), frame("uint16", [16, 16])], { littleEndian: false }),
      encodeTiff(frame("float32", [9, 31]), { description: "fuzz seed" }),
    ],
    read: frames,
  },
  {
    name: "hdf5",
    file: "frames.h5",
    text: false,
    seeds: () => [
      readFixture("hdf5", "eiger_bslz4_u16.h5"),
      readFixture("hdf5", "gzip_i32_stack.h5"),
      readFixture("hdf5", "nexus_default.h5"),
      readFixture("hdf5", "float32_image.h5"),
    ],
    read: frames,
  },
  {
    name: "mask",
    file: "mask.edf",
    text: false,
    seeds: () => [readFixture("fabio", "fabio_mask_u8.edf")],
    read: async (p) => readMask(p, [16, 20]),
  },
  {
    name: "poni",
    file: "calib.poni",
    text: true,
    seeds: () => [
      readFixture("poni", "ref_saxs.poni"),
      readFixture("poni", "dioptas_CeO2_Pilatus1M.poni"),
      readFixture("poni", "multiblock.poni"),
    ],
    read: readPoni,
  },
  {
    name: "mpt",
    file: "cycling.mpt",
    text: true,
    seeds: () => [
      head(readFixture("echem", "yadg_gcpl.issue_149.mpt"), 160),
      head(readFixture("echem", "perex_220726cell4operandoxascontinuation_C06.mpt.gz"), 140),
    ],
    read: (p) => readCycler(p),
  },
  {
    name: "mpr",
    file: "cycling.mpr",
    text: false,
    seeds: () => [
      readFixture("echem", "yadg_gcpl.issue_149.mpr"),
      readFixture("echem", "yadg_peis.mpr"),
      readFixture("echem", "yadg_ocv.mpr"),
      readFixture("echem", "yadg_zir.mpr"),
    ],
    read: (p) => readCycler(p),
  },
  {
    name: "neware-csv",
    file: "neware.csv",
    text: true,
    seeds: () => [head(readFixture("echem", "neware_uio_head2599.csv.gz"), 120)],
    read: (p) => readCycler(p),
  },
  {
    name: "neware-nda",
    file: "cycling.nda",
    text: false,
    // The first 120 records keep a run short; all three record layouts (BTS 9.1, 9.0, 7.x).
    seeds: () => [
      readFixture("echem", "neware_TestFile_head1500.nda").subarray(0, 1024 + 120 * 56),
      readFixture("echem", "neware_2-1-6_61_head1500.nda").subarray(0, 1024 + 120 * 88),
      readFixture("echem", "neware_new_nda_file.nda").subarray(0, 85385 + 120 * 86),
    ],
    read: (p) => readCycler(p),
  },
  {
    name: "neware-ndax",
    file: "cycling.ndax",
    text: false,
    seeds: () => [
      readFixture("echem", "neware_Unit27_Example_Data_File.ndax"),
      readFixture("echem", "neware_46_1_5_60_ZZZZZZZZTEST.ndax"),
      readFixture("echem", "neware_Test_Data_Collection_Ndc17.ndax"),
    ],
    read: (p) => readCycler(p),
  },
  {
    name: "arbin-res",
    file: "cycling.res",
    text: false,
    seeds: () => [readFixture("echem", "cellpy_20210210_FC_01_cc_01.res.gz")],
    read: (p) => readCycler(p),
  },
  {
    name: "arbin-csv",
    file: "arbin.csv",
    text: true,
    seeds: () => [head(readFixture("echem", "FastCharge_000025_CH8.csv"), 120)],
    read: (p) => readCycler(p),
  },
  {
    name: "maccor",
    file: "maccor.052",
    text: true,
    seeds: () => [head(readFixture("echem", "PredictionDiagnostics_000151_test.052"), 120)],
    read: (p) => readCycler(p),
  },
  {
    name: "generic-csv",
    file: "cycler.csv",
    text: true,
    seeds: () => [
      enc.encode("time_s,voltage_v,current_ma\n0,2.1,0.5\n10,2.05,0.5\n20,2.0,0.5\n30,1.95,-0.5\n"),
    ],
    read: (p) => readCycler(p, { columns: { time: "time_s", voltage: "voltage_v", current: "current_ma" } }),
  },
  {
    name: "scan-log",
    file: "scan.csv",
    text: true,
    seeds: () => [enc.encode(SCAN_LOG)],
    read: readScanLog,
  },
  {
    name: "config",
    file: "experiment.yaml",
    text: true,
    seeds: () => [enc.encode(CONFIG)],
    read: async (p) => {
      companions(dirname(p));
      return loadConfig(p);
    },
  },
];
