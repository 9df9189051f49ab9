/**
 * Detector frames: readers for CBF, EDF, TIFF and HDF5/NeXus; writers for CBF, EDF, TIFF, NeXus curves
 * and NXcanSAS (SasView) curves.
 */

export type { Scratch } from "./bytes.js";
export { cbfDeclaredBytes, decodeCbf, encodeCbf, openCbf, writeCbf } from "./cbf.js";
export { DTYPES, dtypeMax, isFloat, isInteger, isSigned } from "./dtype.js";
export { decodeEdf, edfDeclaredBytes, encodeEdf, openEdf, writeEdf } from "./edf.js";
export type { Dataset, H5File } from "./h5.js";
export { CURVE_FILTER, GZIP_LEVEL, h5WriteProblem, h5wasm, initH5, openH5 } from "./h5.js";
export { createTempH5, discardTempH5, publishTempH5 } from "./h5-temp.js";
export { type Hdf5DatasetInfo, listDatasets, openHdf5, readHdf5Mask } from "./hdf5.js";
export { combineMasks, flipRows, flipUd, invalidPixelMask, maskFromFrame } from "./invalid.js";
export {
  createNxIntegrated,
  type NxIntegratedData,
  type NxIntegratedHeader,
  type NxIntegratedWriter,
  writeNxIntegrated,
} from "./nexus-write.js";
export {
  type CanSasEntry,
  type CanSasIntensityUnits,
  type CanSasMeta,
  type CanSasQUnits,
  writeNxCanSas,
} from "./nxcansas-write.js";
export {
  detectFormat,
  type FrameFormat,
  type OpenOptions,
  openFrames,
  readCbfWhole,
  readFrame,
  readMask,
} from "./open.js";
export { decodeTiff, encodeTiff, openTiff, tiffDeclaredBytes, writeTiff } from "./tiff.js";
export type { Dtype, Frame, FrameSource, Metadata, PixelArray } from "./types.js";
