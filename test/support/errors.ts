/** Assertions for the project's error contract: bad input → one InputError, one line, naming the file. */
import { expect } from "vitest";
import { InputError } from "../../src/util/errors.js";

function check(caught: unknown, file: string, problem: RegExp): InputError {
  expect(caught).toBeInstanceOf(InputError);
  const e = caught as InputError;
  expect(e.file).toBe(file);
  expect(e.message.startsWith(`${file}: `)).toBe(true);
  expect(e.message).not.toContain("\n");
  expect(e.message).toMatch(problem);
  return e;
}

/** Run `fn` (sync or async), expect an InputError whose one-line message names `file` and matches `problem`. */
export async function expectInputError(
  fn: () => unknown,
  file: string,
  problem: RegExp,
): Promise<InputError> {
  let caught: unknown;
  try {
    await fn();
  } catch (err) {
    caught = err;
  }
  return check(caught, file, problem);
}

/** The same for a synchronous `fn`. */
export function expectInputErrorSync(fn: () => unknown, file: string, problem: RegExp): InputError {
  let caught: unknown;
  try {
    fn();
  } catch (err) {
    caught = err;
  }
  return check(caught, file, problem);
}
