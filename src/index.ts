/**
 * operando-swaxs as a library: one namespace per concept, each the public face of its folder.
 *   geometry  — PONI calibrations, detectors, per-pixel 2θ/χ/q, solid angle, polarisation
 *   integrate — pixel→bin matrices and pyFAI-exact 1D/2D integration, worker pool
 *   formats   — CBF, EDF, TIFF, HDF5/NeXus frames; masks; NeXus curve output
 */
export * as formats from "./formats/index.js";
export * as geometry from "./geometry/index.js";
export * as integrate from "./integrate/index.js";
export { InputError, isInputError } from "./util/index.js";
