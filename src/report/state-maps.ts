/**
 * The report's maps at the named states of config maps.at, and the difference maps between two
 * states (issue 15): a difference on a diverging colour scale centred on 0 (blue: consumed, red:
 * appeared), so where a phase grew and where it went reads at a glance.
 */
import { gridMap, robustDomain, symmetricDomain } from "../plot/index.js";
import type { ResultsData } from "../results/index.js";
import { mapFrame } from "./figures.js";
import { bandInfos, normalisation } from "./labels.js";

interface StateFigure {
  id: string;
  title: string;
  caption: string;
  svg: string;
  csv: string;
}

const cell = (v: number) => (Number.isFinite(v) ? String(Number(v.toPrecision(7))) : "");

export async function stateMapFigures(data: ResultsData): Promise<StateFigure[]> {
  const s = data.summary();
  const bands = bandInfos(data);
  const out: StateFigure[] = [];
  const onGrid = mapFrame(s);
  for (const m of s.stateMaps) {
    const c = (await data.stateMap(m.band, m.state)).columns;
    const v = c.value!;
    const det = s.bands.find((b) => b.name === m.band)?.detector ?? "";
    const norm = normalisation(data, det);
    const band = bands.get(m.band) ?? { label: m.band, window: "" };
    const unit = norm.kind === "none" ? "(a.u.)" : norm.short;
    const lines = ["row,col,region,value,value_err,opaque"];
    for (let p = 0; p < v.length; p++)
      lines.push(
        [
          Math.floor(p / s.grid.cols),
          p % s.grid.cols,
          s.regions[p],
          cell(v[p]!),
          cell(c.value_err![p]!),
          c.opaque![p],
        ].join(","),
      );
    const subtitle = `${band.window ? `${band.window}; ` : ""}${norm.says}`;
    if (m.difference) {
      const domain = symmetricDomain(v);
      out.push({
        id: `map_${m.band}_${m.state}`,
        title: `${m.band}: ${m.about}`,
        caption: `Change of the ${band.label} band of each scan point from "${m.difference.a}" to "${m.difference.b}" (${m.about}; ${norm.says}): red where it grew, blue where it fell, white unchanged; the colour range is ±the 98th percentile of |change|, centred on 0. Its 1σ (column value_err of the numbers) is the two maps' σ in quadrature. Lines: region boundaries. Grey: no value in either map.`,
        svg: gridMap({
          ...onGrid,
          values: v,
          domain,
          cmap: "rdbu",
          title: `Δ ${m.band}, ${m.difference.b} − ${m.difference.a}`,
          subtitle,
          colorBarLabel: `Δ ${band.label} ${unit}`,
        }),
        csv: `${lines.join("\n")}\n`,
      });
    } else {
      out.push({
        id: `map_${m.band}_${m.state}`,
        title: `${m.band} at ${m.about}`,
        caption: `Mean ${band.label} band of each scan point (${norm.says}) at ${m.about} (the state "${m.state}" of maps.at), interpolated between the point's own visits (a point not visited after the moment takes its last visit where the SODC there is within 1 % of the state's: flag "nearest" in the CSV). Colour range: its 2nd–98th percentile. Lines: region boundaries. Grey: no value.`,
        svg: gridMap({
          ...onGrid,
          values: v,
          domain: robustDomain([v]),
          title: `${m.band}, ${m.about}`,
          subtitle,
          colorBarLabel: `${band.label} ${unit}`,
        }),
        csv: `${lines.join("\n")}\n`,
      });
    }
  }
  return out;
}
