export { InputError, isInputError } from "./errors.js";
export {
  beginOutput,
  checkOutputFolder,
  clip,
  commitOutput,
  isWithin,
  MARKER,
  madeBySwaxs,
  markFolder,
  type OutputGuard,
} from "./outdir.js";
export { PROGRAM, VERSION } from "./version.js";
