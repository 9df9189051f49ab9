/**
 * What a file the config names is, by content (issue 21): a mask given where the PONI belongs
 * used to say "missing key PixelSize1", a PONI given as the cycler log something about columns.
 * Each key expects some kinds; a file positively recognised as another kind is refused by name
 * ("waxs.poni is an EDF image, not a PONI file"). A file not recognised at all is left to the
 * reader of its key, which says what it found wrong.
 */
import { sniffCyclerFormat } from "../echem/index.js";
import { detectFormat } from "../formats/index.js";
import { SCAN_COLUMNS } from "../scan/index.js";
import { readHead } from "../util/index.js";

export type FileKind = "image" | "hdf5" | "poni" | "cycler" | "spec" | "scan-log" | "unknown";

const IMAGE_NAMES: Record<string, string> = {
  cbf: "a CBF image",
  edf: "an EDF image",
  tiff: "a TIFF image",
  gzip: "a gzip-compressed file",
};

/** The kind of `path` and how to say it ("an EDF image"). Never throws: unreadable is unknown. */
export async function fileKind(path: string): Promise<{ kind: FileKind; what: string; format?: string }> {
  const bytes = await readHead(path).catch(() => null);
  if (!bytes) return { kind: "unknown", what: "unreadable" };
  const text = new TextDecoder("latin1").decode(bytes.subarray(0, 4096));
  if (/^\s*(poni_version|Distance|Detector_config|PixelSize1)\s*:/m.test(text))
    return { kind: "poni", what: "a PONI file" };
  if (/^#S \d+/m.test(text) && /^#L /m.test(text)) return { kind: "spec", what: "a SPEC file" };
  const first = (text.split(/\r?\n/, 1)[0] ?? "").replace(/^\uFEFF/, "");
  if (SCAN_COLUMNS.every((c) => first.split(/[,;\t]/).includes(c)))
    return { kind: "scan-log", what: "a scan log" };
  const cycler = sniffCyclerFormat(bytes);
  if (cycler) return { kind: "cycler", what: `a cycler log (${cycler})`, format: cycler };
  const format = await detectFormat(path).catch(() => null);
  if (format === "hdf5") return { kind: "hdf5", what: "an HDF5 file" };
  if (format) return { kind: "image", what: IMAGE_NAMES[format] ?? `a ${format} image` };
  return { kind: "unknown", what: "not recognised" };
}

/** What each config key may hold (the key's last part), and how to name it in the message. */
const EXPECTED: { test: RegExp; kinds: FileKind[]; name: string }[] = [
  { test: /\.poni$/, kinds: ["poni"], name: "a PONI file" },
  {
    test: /\.mask$|^background\.|^calibrant\..*\.file$|^extra\[\d+\]\.file$/,
    kinds: ["image", "hdf5"],
    name: "a detector image",
  },
  { test: /^echem\.file$/, kinds: ["cycler"], name: "a cycler log" },
  { test: /^scan(\.spec)?$/, kinds: ["scan-log", "spec"], name: "a scan log" },
  { test: /^scan\.bliss$/, kinds: ["hdf5"], name: "an HDF5 scan file" },
];

/** The one-line problem with `path` under `key`, or null where it may be what the key wants. */
export async function wrongKind(key: string, path: string): Promise<string | null> {
  const want = EXPECTED.find((e) => e.test.test(key));
  if (!want) return null;
  const { kind, what } = await fileKind(path);
  if (kind === "unknown" || want.kinds.includes(kind)) return null;
  return `${key}: ${path} is ${what}, not ${want.name}`;
}
