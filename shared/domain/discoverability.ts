// Whether a consent makes a learner findable, apart from the consent use cases: consent.ts
// reindexes through candidate-index.ts, which needs this test, so it sits below both.
import type { ConsentRecord } from './records/search-records.ts';

/**
 * Whether a consent record makes its learner findable at `now`. `until` is inclusive, as in
 * every engine: the learner is findable at exactly that instant, and not a millisecond later.
 *
 * @example
 * isDiscoverable(consent, new Date()); // true while given and before `until`
 */
export function isDiscoverable(consent: ConsentRecord, now: Date): boolean {
  return (
    consent.state === 'given' &&
    (consent.until === undefined || Date.parse(consent.until) >= now.getTime())
  );
}
