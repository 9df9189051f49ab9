/**
 * The starter experiment.yaml of `swaxs init` from what the folder holds (starter.ts): every path
 * relative to the folder the file is written in, a comment on each choice saying why, and a
 * `TODO …` value wherever a required answer could not be found — `swaxs run` stops at the first
 * of those with its line (config-todo.ts). The science choices (bands, peaks, maps, the stack's
 * order) are commented-out examples: the run works without them, and only the user knows them.
 */
import { basename, dirname, extname, relative, sep } from "node:path";
import { CALIBRANTS } from "../physics/index.js";
import type { FolderFindings, FrameGroup, StarterDetector } from "./starter.js";

/** The value that marks an answer init could not find (see config-todo.ts). */
export const TODO = "TODO";

/** A YAML scalar: plain where YAML reads it back as the same string, else double-quoted. */
function scalar(s: string): string {
  return /^[A-Za-z0-9_./{}-][A-Za-z0-9_./{}:*+ -]*$/.test(s) &&
    !/: |\s$/.test(s) &&
    !/^(true|false|null|yes|no|~)$/i.test(s)
    ? s
    : JSON.stringify(s);
}

/** Paths in the YAML: relative to the config's folder, with forward slashes. */
const rel = (from: string, p: string) => relative(from, p).split(sep).join("/");

/** A glob naming a group's files: their folder, the longest common prefix of their names, their extension. */
export function groupGlob(from: string, g: FrameGroup): string {
  const dirs = new Set(g.files.map((f) => dirname(f)));
  const names = g.files.map((f) => basename(f));
  const exts = new Set(names.map((n) => extname(n)));
  if (dirs.size !== 1 || exts.size !== 1) return rel(from, g.files[0]!);
  let prefix = names[0]!;
  for (const n of names) while (!n.startsWith(prefix)) prefix = prefix.slice(0, -1);
  const dir = rel(from, [...dirs][0]!);
  const ext = [...exts][0]!;
  const stem = prefix.endsWith(ext) && names.length === 1 ? prefix : `${prefix}*${ext}`;
  return dir === "" ? stem : `${dir}/${stem}`;
}

function scanBlock(f: FolderFindings, dets: StarterDetector[], from: string): string[] {
  const csv = f.scanLogs.find((s) => s.kind === "csv");
  if (csv) return [`scan: ${scalar(rel(from, csv.file))} # the canonical scan log (found by its columns)`];
  const frames = dets.map(
    (d) =>
      `    ${d.name}: ${TODO} # its frame file per point, e.g. ${scalar(rel(from, d.group.files[0]!))} → 'frames/${d.name}_{scan:03d}_{point:05d}${extname(d.group.files[0]!)}'`,
  );
  const columns = [
    `  x: ${TODO} # horizontal position: a counter or motor of the scans`,
    `  y: ${TODO} # vertical position`,
    "  # i0: mon        # incident-beam monitor",
    "  # it: diode      # transmitted beam (for the transmission)",
    "  # exposure: 1.0  # seconds, or a counter",
    "  # timezone: Europe/Paris  # of times written without an offset",
  ];
  const spec = f.scanLogs.find((s) => s.kind === "spec");
  if (spec)
    return [
      "# the scan log is made from the SPEC file at every run (see swaxs scanlog --help)",
      "scan:",
      `  spec: ${scalar(rel(from, spec.file))}`,
      "  # scans: [3, 4]   # default: all",
      ...columns,
      "  frames:",
      ...frames,
    ];
  const h5 = f.scanLogs.find((s) => s.kind === "hdf5");
  if (h5)
    return [
      "# the scan log is made from the Bliss/NeXus HDF5 scan file at every run (see swaxs scanlog --help)",
      "scan:",
      `  bliss: ${scalar(rel(from, h5.file))}`,
      "  # scans: [1.1, 2.1]   # default: all",
      ...columns,
    ];
  const headed = dets.filter((d) => /^(edf|cbf)/.test(d.group.format));
  if (headed.length > 0)
    return [
      "# no scan log found: positions and times from the frames' own headers (see swaxs scanlog --help)",
      "scan:",
      "  headers:",
      ...headed.map((d) => `    ${d.name}: ${scalar(groupGlob(from, d.group))}`),
      ...columns,
    ];
  return [
    `scan: ${TODO} # no scan log found: a scan.csv, a SPEC file or a Bliss HDF5 scan file (see swaxs scanlog --help)`,
  ];
}

function detectorBlock(d: StarterDetector, from: string): string[] {
  const frames = `${d.group.frames} frames ${d.group.shape.join("×")} (${d.group.format}), e.g. ${rel(from, d.group.files[0]!)}`;
  return [
    `  ${d.name}: # ${frames}`,
    d.poni
      ? `    poni: ${scalar(rel(from, d.poni))} # ${d.why}`
      : `    poni: ${TODO} # ${d.why}: calibrate with pyFAI-calib2 or Dioptas`,
    ...(d.mask
      ? [`    mask: ${scalar(rel(from, d.mask))}`]
      : ["    # mask: mask.edf  # nonzero = masked, pyFAI's convention"]),
    "    # npt: 1000          # radial bins",
    "    # unit: q_nm^-1",
    "    # monitor: i0        # the scan-log column frames are divided by (none: only the exposure)",
    "    # polarization: 0.99",
    "    # flip_ud: true      # a Dioptas PONI describes the vertically flipped image",
  ];
}

/** The starter config's text (see the file comment); `from` is the folder it is written in. */
export function starterYaml(
  f: FolderFindings,
  dets: StarterDetector[],
  from: string,
  /** The cycler log's clock (cyclerClockHint): a TODO where its zone must be stated. */
  clock: { needsZone: boolean; offsets: string[] } = { needsZone: false, offsets: [] },
): string {
  const lines = [
    `# Starter config written by swaxs init from ${rel(from, f.dir) || "."}: check every line.`,
    `# Values ${TODO} are answers init could not find; swaxs run stops at the first one left.`,
    "# Every key, its type, default and an example: docs/config.md (swaxs config check lists the problems).",
    "",
    ...scanBlock(f, dets, from),
    "",
    "detectors:",
    ...(dets.length > 0
      ? dets.flatMap((d) => detectorBlock(d, from))
      : [`  saxs: {poni: ${TODO}} # no detector frames found`]),
  ];
  const empties = dets.filter((d) => d.empty);
  if (empties.length > 0)
    lines.push(
      "",
      "background: # the empty cell, subtracted scaled by each frame's transmission",
      ...empties.map((d) => `  ${d.name}: ${scalar(rel(from, d.empty!))}`),
    );
  // a calibrant whose phase the file name does not give stays a comment: the run needs no calibrant
  const cals = dets.filter((d) => d.calibrant);
  const known = cals.filter((d) => d.calibrant!.phase);
  const calLine = (d: StarterDetector, phase: string) =>
    `${d.name}: {file: ${scalar(rel(from, d.calibrant!.file))}, phase: ${phase}}`;
  if (cals.length > 0)
    lines.push(
      "",
      ...(known.length > 0 ? ["calibrant: # the instrument's peak widths, for crystallite sizes"] : []),
      ...known.map((d) => `  ${calLine(d, d.calibrant!.phase!)}`),
      ...cals
        .filter((d) => !d.calibrant!.phase)
        .map(
          (d) =>
            `# calibrant: {${calLine(d, CALIBRANTS.join(" | "))}}  # which calibrant is it? (for crystallite sizes)`,
        ),
    );
  const cycler = f.cyclers[0];
  lines.push(
    "",
    "echem:",
    cycler
      ? `  file: ${scalar(rel(from, cycler.file))} # ${cycler.format}${
          f.cyclers.length > 1
            ? `; also found: ${f.cyclers
                .slice(1)
                .map((c) => rel(from, c.file))
                .join(", ")}`
            : ""
        }`
      : `  file: ${TODO} # no cycler log found (EC-Lab .mpt/.mpr, Neware, Arbin, Maccor)`,
    clock.needsZone
      ? `  timezone: ${TODO} # its log has local times: the cycler PC's zone (Europe/Paris, +01:00)${clock.offsets.length > 0 ? `; every frame is inside the log at ${clock.offsets.join(", ")}` : ""}`
      : "  # timezone: Europe/Paris  # the cycler PC's zone, if its log has local times",
    "  # mass_mg: 1.5            # active material, for mAh/g",
    "",
    "# What to measure (examples):",
    `# bands: [{name: Li2S, detector: ${dets.find((d) => d.name === "waxs")?.name ?? "waxs"}, q: [18.3, 20.8]}]`,
    "# peaks: [{name: Li2S, phase: Li2S, detector: waxs, q: [17, 24.5], region: cathode}]",
    "# maps: {at_sod: [0, 50, 100]}",
    "# stack: [other, cathode, separator, anode, other]  # layer order along y, lowest y first",
    "out: results",
  );
  if (f.unknown.length > 0)
    lines.push(
      "",
      `# Not recognised (${f.unknown.length}): ${f.unknown
        .slice(0, 10)
        .map((u) => rel(from, u))
        .join(", ")}${f.unknown.length > 10 ? ", …" : ""}`,
    );
  return `${lines.join("\n")}\n`;
}
