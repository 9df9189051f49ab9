export { clip, clipMiddle, fsProblem, InputError, isInputError } from "./errors.js";
export { readHead } from "./head.js";
export {
  beginOutput,
  checkOutputFolder,
  commitOutput,
  isWithin,
  MARKER,
  madeBySwaxs,
  markFolder,
  type OutputGuard,
} from "./outdir.js";
export { quiet } from "./quiet.js";
export { errorReply, type TaskReply, TaskWorkers, workerCount } from "./task-workers.js";
export { PROGRAM, VERSION } from "./version.js";
export { readYaml, toYaml, type YamlFile, type YamlValue } from "./yaml.js";
