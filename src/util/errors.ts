/**
 * Errors that come from bad input (a corrupt file, a wrong shape, a missing key). The CLI prints
 * them as one line, `swaxs: <file>: <problem>`, and exits with code 2, never with a stack trace.
 * Anything else that escapes is a bug in this program.
 */
export class InputError extends Error {
  override readonly name = "InputError";
  /** The file (or other input) at fault; empty when the problem is not tied to one file. */
  readonly file: string;

  constructor(file: string, problem: string) {
    super(file ? `${file}: ${problem}` : problem);
    this.file = file;
  }
}

export function isInputError(err: unknown): err is InputError {
  return err instanceof InputError;
}

/** Cuts a user-supplied value for a message. */
export const clip = (s: string, n = 80): string => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

/** Cuts a message to `n` characters in its middle: its start (the file) and end (the cause) stay. */
export function clipMiddle(s: string, n: number): string {
  if (s.length <= n) return s;
  const head = Math.ceil((n - 1) / 2);
  return `${s.slice(0, head)}…${s.slice(s.length - (n - 1 - head))}`;
}

/** What the machine refused, by Node's error code: the one wording of each, for every message. */
const FS_PROBLEMS: Record<string, string> = {
  ENOSPC: "no space left on the device",
  EDQUOT: "disk quota exceeded",
  EROFS: "the file system is read-only",
  EACCES: "permission denied",
  EPERM: "operation not permitted",
  EIO: "input/output error (a failing disk or network file system?)",
  EMFILE: "too many open files",
};

/** The phrase for a file-system error code the machine raises (a full disk, …), or undefined. */
export function fsProblem(code: string | undefined): string | undefined {
  return code === undefined ? undefined : FS_PROBLEMS[code];
}
