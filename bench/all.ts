/**
 * Every throughput figure of issue 11 in one JSON object, each bench in its own process (one at a
 * time: they share the machine's cores):
 *
 *   npm run build && npm run bench [-- --quick]
 *
 * - integrate_files: `swaxs integrate` vs pyFAI (+ h5py / fabio) on 100 and 400 Pilatus 1M frames
 *   (--quick: 100) as HDF5 bitshuffle-LZ4 stacks and as CBF series, whole processes, set-up
 *   included (ratio ≥ 2 asked), and the set-up and per-frame costs told apart (`marginal`)
 * - run_demo, run_paper_assb: the whole `swaxs run` vs pyFAI + fabio reading and integrating the
 *   same frames (ratio ≥ 1.5 asked); paper-assb at three sizes (sweeps 10, 20, 40 = all; --quick:
 *   2, 4, 8) for linear cost and flat memory
 * - limits: the kernel's bytes per frame ÷ one core's read bandwidth, beside its measured time
 * - decode: each codec alone (CBF byte offset, EDF, TIFF; HDF5 bitshuffle-LZ4 through h5wasm)
 *
 * pyFAI's side needs Debian's python3-pyfai, python3-fabio, python3-h5py and bitshuffle; without
 * them the ratios are null and each bench says so on stderr. bench/README.md says how to read it.
 */
import { spawnSync } from "node:child_process";
import { availableParallelism, cpus, totalmem } from "node:os";
import { fileURLToPath } from "node:url";

const quick = process.argv.includes("--quick");
const here = (f: string) => fileURLToPath(new URL(f, import.meta.url));

function bench(script: string, args: string[] = []): unknown {
  process.stderr.write(`bench: ${script} ${args.join(" ")}\n`);
  const r = spawnSync(process.execPath, ["--import", "tsx", here(script), ...args], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
    maxBuffer: 1 << 26,
  });
  if (r.status !== 0) throw new Error(`${script} failed (exit ${r.status})`);
  return JSON.parse(r.stdout);
}

const out = {
  machine: {
    node: process.version,
    cores: availableParallelism(),
    cpu: cpus()[0]?.model,
    memory_gb: Math.round(totalmem() / 2 ** 30),
  },
  integrate_files: bench("./integrate-files.ts", [
    "--frames",
    quick ? "100" : "100,400",
    "--repeat",
    quick ? "1" : "3",
  ]),
  run_demo: bench("./run-vs-pyfai.ts", ["--preset", "demo"]),
  run_paper_assb: bench("./run-vs-pyfai.ts", [
    "--preset",
    "paper-assb",
    "--sweeps",
    quick ? "2,4,8" : "10,20,40",
  ]),
  limits: bench("./limits.ts"),
  decode: { formats: bench("./formats.ts"), hdf5_bslz4: bench("./hdf5.ts", ["50"]) },
};
console.log(JSON.stringify(out, null, 2));
