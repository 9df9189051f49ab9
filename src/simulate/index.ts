/** The digital twin: a whole operando scanning SAXS/WAXS experiment in the real file formats, with its truth. */

export { type Cell, makeCell } from "./cell.js";
export { planCycler, stateAt } from "./cycler.js";
export { LI2S_MAX, LI2S_SIZE_END_NM, type SimulateOptions, simulate } from "./experiment.js";
export { PRESET_NAMES, PRESETS, type Preset, type PresetName, wavelengthM } from "./presets.js";
