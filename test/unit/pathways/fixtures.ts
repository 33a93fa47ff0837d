import type { EvaluatedCredential, Pathway, PathwayNode } from '#pathways/rule-types.ts';

export const NOW = new Date('2026-06-01T00:00:00Z');

/** A countable credential; override any field. */
export function cred(
  id: string,
  achievementId: string,
  extra: Partial<EvaluatedCredential> = {},
): EvaluatedCredential {
  return {
    id,
    achievementId,
    issuerId: 'did:web:issuer.example',
    issuedAt: '2026-01-01T00:00:00Z',
    verified: true,
    issuerBound: true,
    alignments: [],
    ...extra,
  };
}

/** A pathway document around `root`. */
export function pathway(root: PathwayNode, extra: Partial<Pathway> = {}): Pathway {
  return {
    format: 'credstack-pathway/1',
    id: 'urn:pathway:test',
    version: 1,
    name: 'Test pathway',
    issuerId: 'did:web:issuer.example',
    root,
    ...extra,
  };
}
