import { expect } from "vitest";

type NumberArray = ArrayLike<number>;

/**
 * `got` holds exactly `want`'s values (Object.is per element: −0 and NaN count), reported as the
 * first difference. vitest's deep equality takes seconds on arrays of 10⁵ elements; this takes
 * milliseconds, so tests can compare whole per-pixel arrays bit for bit.
 */
export function expectSameArray(got: NumberArray | null, want: NumberArray | null, what = ""): void {
  expect(got === null, what).toBe(want === null);
  if (got === null || want === null) return;
  expect(got.length, what).toBe(want.length);
  let first = -1;
  for (let k = 0; k < got.length; k++) {
    if (!Object.is(got[k], want[k])) {
      first = k;
      break;
    }
  }
  expect(first === -1 ? null : { index: first, got: got[first], want: want[first] }, what).toBeNull();
}
