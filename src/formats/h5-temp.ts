/**
 * HDF5 outputs are written under a hidden temporary name in the target folder and renamed only
 * when complete, so an interrupted or failed run never leaves a file that looks finished. Shared
 * by the NeXus curve writer and the Eiger stack writer.
 */
import { randomBytes } from "node:crypto";
import { existsSync, renameSync, rmSync, statSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { InputError } from "../util/errors.js";
import { closeQuietly, createH5, type H5File, h5WriteProblem } from "./h5.js";

/** Create the temporary file for `path`; InputError if its folder is missing or not writable. */
export async function createTempH5(path: string): Promise<{ file: H5File; tempPath: string }> {
  const dir = dirname(path);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new InputError(path, `cannot write: directory ${dir} does not exist`);
  }
  const tempPath = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`);
  const file = await createH5(tempPath).catch((err: unknown) => {
    throw new InputError(path, `cannot write: ${err instanceof InputError ? err.message : String(err)}`);
  });
  return { file, tempPath };
}

/** Close and delete a temporary file after a failure; returns the error to throw. */
export function discardTempH5(file: H5File | undefined, tempPath: string, path: string, err: unknown): Error {
  closeQuietly(file);
  rmSync(tempPath, { force: true });
  return err instanceof InputError || err instanceof RangeError
    ? err
    : new InputError(path, `cannot write: ${h5WriteProblem(path, err)}`);
}

/** Close the temporary file and move it to `path`; on any failure delete it and throw InputError. */
export function publishTempH5(file: H5File, tempPath: string, path: string): void {
  let problem: string | null = null;
  try {
    if (file.close() < 0) problem = "closing the HDF5 file failed";
  } catch (err) {
    problem = h5WriteProblem(path, err);
  }
  if (problem) {
    rmSync(tempPath, { force: true });
    throw new InputError(path, `cannot write: ${problem}`);
  }
  try {
    renameSync(tempPath, path);
  } catch (err) {
    rmSync(tempPath, { force: true });
    throw new InputError(path, `cannot write: ${(err as NodeJS.ErrnoException).code ?? err}`);
  }
}

/**
 * What every temp-file HDF5 writer shares: items (rows, frames) written in any order, `finish()`
 * publishing only when all were written, `abort()` discarding the file. Subclasses write the data.
 */
export abstract class TempH5Writer {
  protected state: "open" | "finished" | "aborted" = "open";
  protected readonly written: Uint8Array;

  constructor(
    protected readonly file: H5File,
    readonly path: string,
    readonly tempPath: string,
    count: number,
    /** What the items are called in messages: "rows", "frames". */
    private readonly items: string,
  ) {
    this.written = new Uint8Array(count);
  }

  /** Throws unless the writer is still open. */
  protected checkOpen(action = "write"): void {
    if (this.state !== "open") throw new Error(`${this.path}: ${action} after ${this.state}`);
  }

  /** Close and rename to `path`; throws (and discards the file) if an item was never written. */
  finish(): void {
    this.checkOpen("finish");
    const missing = this.written.reduce((m, w) => m + (w ? 0 : 1), 0);
    if (missing > 0) {
      this.abort();
      throw new RangeError(
        `${this.path}: ${missing} of ${this.written.length} ${this.items} were never written`,
      );
    }
    this.state = "finished";
    publishTempH5(this.file, this.tempPath, this.path);
  }

  /** Close and delete the temporary file. Safe to call more than once, or after finish(). */
  abort(): void {
    if (this.state === "open") closeQuietly(this.file);
    if (this.state !== "finished") rmSync(this.tempPath, { force: true });
    if (this.state === "open") this.state = "aborted";
  }
}
