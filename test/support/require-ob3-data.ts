import { describe, expect, it } from 'vitest';
import { ob3DataDir, ob3DataPresent } from './ob3-data.ts';

/**
 * Conformance suites call this first. Without the standards data they say so, and fail in
 * CI (where the data must be present) instead of passing silently.
 */
export function requireOb3Data(): boolean {
  if (!ob3DataPresent) {
    describe('standards data', () => {
      it(`is present at ${ob3DataDir} (set OB3_DATA_DIR to point elsewhere)`, () => {
        if (process.env.CI) expect.fail(`standards data missing at ${ob3DataDir}`);
        console.warn(`standards data missing at ${ob3DataDir}: conformance tests not run`);
      });
    });
  }
  return ob3DataPresent;
}
