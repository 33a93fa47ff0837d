import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SkillPosting } from '#shared/search/embedded/skill-posting.ts';

// readAfter decides whether a must-have is matched through its postings or slot by slot from
// the newest-badge columns; it must count exactly what a date-filtered scan reads: the sorted
// entries issued after the cutoff, and every entry appended since the last merge.
describe('SkillPosting.readAfter', () => {
  it('counts the entries a scan under the date filter reads, merged or not', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 50 }), { maxLength: 200 }),
        fc.integer({ min: -1, max: 51 }),
        (instants, after) => {
          const posting = new SkillPosting();
          instants.forEach((at, i) => {
            posting.push(i, i, at, Number.POSITIVE_INFINITY);
          });
          // What the matcher's scan steps over: every entry until the first sorted one too
          // old, then only the appended entries (each tested, so each read).
          let read = 0;
          for (let i = 0; i < posting.length; i += 1) {
            if (posting.issued[i]! <= after && i < posting.sorted) i = posting.sorted - 1;
            else read += 1;
          }
          expect(posting.readAfter(after)).toBe(read);
          expect(posting.readAfter(Number.NEGATIVE_INFINITY)).toBe(posting.length);
        },
      ),
      { numRuns: 300 },
    );
  });
});
