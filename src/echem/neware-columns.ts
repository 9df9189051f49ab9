/** Typed columns that grow as a Neware .nda reader finds records (the count is known only at the end). */

type Column = Float64Array | Int32Array;

export class NdaColumns {
  n = 0;
  private cap = 1024;
  index = new Float64Array(this.cap);
  cycle = new Int32Array(this.cap);
  stepIndex = new Int32Array(this.cap);
  /** What marks a new step: the step index, or (version 29) step index, state and step number together. */
  stepKey = new Float64Array(this.cap);
  statusCode = new Int32Array(this.cap);
  stepTimeS = new Float64Array(this.cap);
  voltageV = new Float64Array(this.cap);
  currentMA = new Float64Array(this.cap);
  chargeMAh = new Float64Array(this.cap);
  dischargeMAh = new Float64Array(this.cap);
  unixTimeS = new Float64Array(this.cap);

  /** The row of a new record. */
  next(): number {
    if (this.n === this.cap) {
      this.cap *= 2;
      const grow = <T extends Column>(a: T): T => {
        const b = new (a.constructor as new (n: number) => T)(this.cap);
        b.set(a);
        return b;
      };
      this.index = grow(this.index);
      this.cycle = grow(this.cycle);
      this.stepIndex = grow(this.stepIndex);
      this.stepKey = grow(this.stepKey);
      this.statusCode = grow(this.statusCode);
      this.stepTimeS = grow(this.stepTimeS);
      this.voltageV = grow(this.voltageV);
      this.currentMA = grow(this.currentMA);
      this.chargeMAh = grow(this.chargeMAh);
      this.dischargeMAh = grow(this.dischargeMAh);
      this.unixTimeS = grow(this.unixTimeS);
    }
    return this.n++;
  }
}

/** The rows `keep` of a column, in that order. */
export function pickRows<T extends Column>(a: T, keep: readonly number[]): T {
  const b = new (a.constructor as new (n: number) => T)(keep.length);
  keep.forEach((r, i) => {
    b[i] = a[r]!;
  });
  return b;
}
