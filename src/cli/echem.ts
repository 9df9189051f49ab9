/**
 * `swaxs echem FILE [--mass-mg M] [--timezone TZ | --clock-offset-s S] [--columns MAP] [--json] [--csv OUT]`:
 * read a cycler log, segment it, and print a summary (or JSON); `--csv` writes one row per record.
 */
import {
  buildSeries,
  CUT_LINE_KEY,
  type CyclerClock,
  type Dqdv,
  dqdv,
  type EchemSeries,
  type GenericCsvMapping,
  isoUtc,
  readCycler,
} from "../echem/index.js";
import { InputError } from "../util/errors.js";
import { writeAtomic } from "./curves.js";

export interface EchemCliOptions {
  massMg?: string;
  timezone?: string;
  clockOffsetS?: string;
  columns?: string;
  json?: boolean;
  csv?: string;
  dqdv?: boolean;
  binMv?: string;
}

/** "time=Time (s),voltage=Ewe,current=I/mA" → mapping. */
export function parseColumnsSpec(spec: string): GenericCsvMapping {
  const m: Record<string, string> = {};
  for (const part of spec.split(",")) {
    const eq = part.indexOf("=");
    if (eq < 1)
      throw new InputError("", `--columns: expected key=column pairs separated by commas, got "${part}"`);
    m[part.slice(0, eq).trim()] = part.slice(eq + 1).trim();
  }
  for (const k of ["time", "voltage", "current"])
    if (!m[k]) throw new InputError("", `--columns must name the ${k} column (e.g. ${k}=…)`);
  return m as unknown as GenericCsvMapping;
}

function clockOf(o: EchemCliOptions): CyclerClock | undefined {
  if (o.timezone !== undefined && o.clockOffsetS !== undefined)
    throw new InputError("", "give either --timezone or --clock-offset-s, not both");
  if (o.timezone !== undefined) return { timezone: o.timezone };
  if (o.clockOffsetS !== undefined) {
    const s = Number(o.clockOffsetS);
    if (!Number.isFinite(s))
      throw new InputError("", `--clock-offset-s must be a number, got "${o.clockOffsetS}"`);
    return { clockOffsetS: s };
  }
  return undefined;
}

export function echemSummary(s: EchemSeries) {
  const perGram = (mAh: number) => (s.massMg ? mAh / (s.massMg / 1000) : null);
  const utc = (t: number) => (s.startUtcS === null ? null : isoUtc(s.startUtcS + t));
  return {
    file: s.file,
    format: s.format,
    records: s.n,
    columns: s.columns,
    start_local: s.startLocal,
    start_utc: s.startUtcS === null ? null : isoUtc(s.startUtcS),
    duration_s: s.timeS[s.n - 1]! - s.timeS[0]!,
    charge_from: s.chargeFrom,
    mass_mg: s.massMg,
    mass_from: s.massFrom === "stated" ? "--mass-mg" : s.massFrom === "file" ? "file header" : null,
    sodc_defined: s.sodcPct !== null,
    half_cycles: s.halfCycles.map((h) => ({
      index: h.index,
      kind: h.kind,
      cycle: h.cycle,
      step: h.step,
      start_s: h.startS,
      end_s: h.endS,
      start_utc: utc(h.startS),
      end_utc: utc(h.endS),
      capacity_mah: h.capacityMAh,
      capacity_mah_per_g: perGram(h.capacityMAh),
      mean_current_ma: h.meanCurrentMA,
      c_rate_per_h: h.cRate,
    })),
    metadata: s.metadata,
  };
}

export function echemCsv(s: EchemSeries): string {
  const cols = [
    "time_s",
    "ewe_v",
    "i_ma",
    ...(s.unixS ? ["unix_time"] : []),
    "q_mah",
    ...(s.step ? ["step"] : []),
    "cycle",
    "half_cycle",
    ...(s.sodcPct ? ["sodc_pct"] : []),
  ];
  const lines = [cols.join(",")];
  for (let k = 0; k < s.n; k++) {
    // the file's own time axis (EC-Lab's time/s may start at 30 s): not re-zeroed
    const row: (number | string)[] = [s.timeS[k]!, s.eweV[k]!, s.currentMA[k]!];
    if (s.unixS) row.push(s.unixS[k]!.toFixed(3));
    row.push(s.chargeMAh[k]!);
    if (s.step) row.push(s.step[k]!);
    row.push(s.cycle[k]!, s.halfCycle[k]!);
    if (s.sodcPct) row.push(s.sodcPct[k]!);
    lines.push(row.join(","));
  }
  return `${lines.join("\n")}\n`;
}

function binMvOf(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const v = Number(text);
  if (!Number.isFinite(v)) throw new InputError("", `--bin-mv must be a number, got "${text}"`);
  return v;
}

/** dQ/dV as CSV: one row per voltage bin of each half-cycle, in the order the half-cycle runs. */
export function dqdvCsv(d: Dqdv): string {
  const lines = [
    "half_cycle,cycle,direction,time_s,unix_time,voltage_v,dqdv_mah_v,dqdv_mah_g_v,charge_mah,intervals",
  ];
  for (const c of d.curves)
    for (let j = 0; j < c.voltageV.length; j++)
      lines.push(
        [
          c.halfCycle,
          c.cycle,
          c.kind,
          c.timeS[j],
          c.unixS ? c.unixS[j]!.toFixed(3) : "",
          Number(c.voltageV[j]!.toFixed(6)),
          c.dqdvMAhPerV[j],
          c.dqdvMAhPerGV ? c.dqdvMAhPerGV[j] : "",
          c.chargeMAh[j],
          c.intervals[j],
        ].join(","),
      );
  return `${lines.join("\n")}\n`;
}

async function dqdvOut(d: Dqdv, o: EchemCliOptions): Promise<void> {
  if (o.json) {
    const curves = d.curves.map((c) => ({
      half_cycle: c.halfCycle,
      cycle: c.cycle,
      direction: c.kind,
      excluded_mah: c.excludedMAh,
      time_s: Array.from(c.timeS),
      unix_time: c.unixS ? Array.from(c.unixS) : null,
      voltage_v: Array.from(c.voltageV, (v) => Number(v.toFixed(6))),
      dqdv_mah_v: Array.from(c.dqdvMAhPerV),
      dqdv_mah_g_v: c.dqdvMAhPerGV ? Array.from(c.dqdvMAhPerGV) : null,
      charge_mah: Array.from(c.chargeMAh),
    }));
    process.stdout.write(
      `${JSON.stringify({ bin_mv: d.binMv, mass_mg: d.massMg, units: d.units, curves }, null, 2)}\n`,
    );
  }
  if (o.csv) {
    await writeAtomic(o.csv, dqdvCsv(d));
    const n = d.curves.reduce((a, c) => a + c.voltageV.length, 0);
    process.stderr.write(`wrote dQ/dV of ${d.curves.length} half-cycles (${n} bins) → ${o.csv}\n`);
  } else if (!o.json) process.stdout.write(dqdvCsv(d));
}

/** "C/10" below 1C, "2.5C" above; "–" without current. */
function cRateText(perH: number): string {
  if (!(perH > 0)) return "–";
  return perH >= 1 ? `${perH.toPrecision(3)}C` : `C/${(1 / perH).toPrecision(3)}`;
}

export async function echemCommand(file: string, o: EchemCliOptions): Promise<void> {
  const massMg = o.massMg === undefined ? undefined : Number(o.massMg);
  if (massMg !== undefined && !(massMg > 0))
    throw new InputError("", `--mass-mg must be a positive number, got "${o.massMg}"`);
  const rec = await readCycler(file, { columns: o.columns ? parseColumnsSpec(o.columns) : undefined });
  const cut = rec.metadata[CUT_LINE_KEY];
  if (cut !== undefined) process.stderr.write(`swaxs: note: ${file}: ${cut}\n`);
  const series = buildSeries(rec, { clock: clockOf(o), massMg });
  if (o.dqdv) return dqdvOut(dqdv(series, { binMv: binMvOf(o.binMv), mode: rec.mode }), o);
  if (o.binMv !== undefined) throw new InputError("", "--bin-mv goes with --dqdv");
  if (o.csv) await writeAtomic(o.csv, echemCsv(series));
  const sum = echemSummary(series);
  if (o.json) {
    process.stdout.write(`${JSON.stringify(sum, null, 2)}\n`);
    return;
  }
  const lines = [
    `file       ${sum.file} (${sum.format})`,
    `records    ${sum.records}, ${(sum.duration_s / 3600).toFixed(2)} h`,
    `start      ${sum.start_local ?? "unknown"} (cycler clock)${sum.start_utc ? ` = ${sum.start_utc}` : ""}`,
    `charge     ${sum.charge_from === "file" ? "from the file" : "integrated from the current"}`,
    "half-cycles:",
    ...sum.half_cycles.map(
      (h) =>
        `  ${String(h.index).padStart(3)} ${h.kind.padEnd(9)} cycle ${h.cycle}  ${(h.start_s / 3600).toFixed(2)}–${(h.end_s / 3600).toFixed(2)} h  ` +
        `${h.capacity_mah.toPrecision(4)} mAh${h.capacity_mah_per_g !== null ? ` (${h.capacity_mah_per_g.toPrecision(4)} mAh/g)` : ""}  ` +
        cRateText(h.c_rate_per_h),
    ),
  ];
  process.stdout.write(`${lines.join("\n")}\n`);
  if (o.csv) process.stderr.write(`wrote ${series.n} records → ${o.csv}\n`);
}
