import { canonize } from '#shared/credentials/jsonld/canonize.ts';
import { type BenchRow, compareRates } from './measure.ts';

/**
 * How verification cost grows with the input: canonicalizing (the costly step of every Data
 * Integrity check) a credential whose `tag` array is twice as long, next to the same credential
 * with the shorter array. Linear work runs at half the rate for twice the input; the quadratic
 * duplicate check jsonld.js had ran at a quarter, and worse as arrays grew.
 */

const VC_V2 = 'https://www.w3.org/ns/credentials/v2';
const OB_V3 = 'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json';

function credentialWithTags(count: number): Record<string, unknown> {
  return {
    '@context': [VC_V2, OB_V3],
    id: 'urn:uuid:6f1c7a52-1f7e-4a4e-9d0e-3c1f2b7a9e10',
    type: ['VerifiableCredential', 'OpenBadgeCredential'],
    issuer: { id: 'did:web:college.example', type: ['Profile'], name: 'College' },
    validFrom: '2026-01-15T09:00:00Z',
    name: 'Data Analysis',
    credentialSubject: {
      id: 'did:example:learner',
      type: ['AchievementSubject'],
      achievement: {
        id: 'https://college.example/achievements/data-analysis',
        type: ['Achievement'],
        name: 'Data Analysis',
        description: 'Analyses data.',
        criteria: { narrative: 'Passed the assessment.' },
        tag: Array.from({ length: count }, (_, i) => `tag-${i}`),
      },
    },
  };
}

/**
 * The rows: canonicalization at 8,000 and 16,000 tags, each next to half its size.
 *
 * @example
 * rows.push(...(await verificationCostRows({ rounds: 5, roundMs: 1000 })));
 */
export async function verificationCostRows(options: {
  rounds: number;
  roundMs: number;
}): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  for (const size of [8_000, 16_000]) {
    const [long, half] = [credentialWithTags(size), credentialWithTags(size / 2)];
    const [twice, once] = await compareRates([() => canonize(long), () => canonize(half)], {
      rounds: Math.max(3, Math.floor(options.rounds / 2)),
      roundMs: options.roundMs,
    });
    // The timed output must be the whole document: one quad per tag, on both sides.
    for (const [document, tags] of [
      [long, size],
      [half, size / 2],
    ] as const) {
      const quads = (await canonize(document)).split('\n').filter((line) => line.includes('"tag-'));
      if (quads.length !== tags)
        throw new Error(`canonicalization gave ${quads.length} tag quads, expected ${tags}`);
    }
    rows.push({
      metric: `RDFC-1.0 canonicalization, ${size.toLocaleString('en-US')}-entry tag array`,
      value: twice!.perSecond,
      baselineName: `the same with ${(size / 2).toLocaleString('en-US')} entries`,
      baseline: once!.perSecond,
      target: 'linear: 50% (quadratic: 25%)',
      note: 'contexts served from memory (warm); each output checked to hold one quad per tag',
    });
  }
  return rows;
}
