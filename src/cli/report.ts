/** `swaxs report RESULTS --out report.html` */
import { resolve } from "node:path";
import { writeReport } from "../report/index.js";

export async function reportCommand(results: string, o: { out: string }): Promise<void> {
  const t0 = performance.now();
  const r = await writeReport(resolve(results), resolve(o.out));
  process.stderr.write(
    `report with ${r.figures.length} figures in ${((performance.now() - t0) / 1000).toFixed(1)} s → ${r.html}\n` +
      (r.pngs
        ? `PNG figures (2×) → ${r.pngs.length ? r.pngs[0]!.replace(/[^/\\]+$/, "") : "none"}\n`
        : "PNG figures skipped: rsvg-convert not found (Debian: apt-get install librsvg2-bin)\n"),
  );
}
