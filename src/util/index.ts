export { InputError, isInputError } from "./errors.js";
