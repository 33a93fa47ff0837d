import { describe, expect, it } from 'vitest';
import { isCredstackError } from '#shared/core/errors.ts';
import type { IdentityObject } from '#shared/credentials/model/types.ts';
import {
  buildClrCredential,
  CLR_CREDENTIAL_SCHEMA_ID,
  type ClrCredentialInput,
} from '#shared/credentials/present/clr.ts';

function achievement(n: number): Record<string, unknown> {
  return {
    id: `https://academy.example.org/achievements/${n}`,
    type: ['Achievement'],
    name: `Achievement ${n}`,
    description: `Achievement ${n}.`,
    criteria: { narrative: 'Completed the module.' },
  };
}

function signedJson(n: number): Record<string, unknown> {
  return {
    '@context': [
      'https://www.w3.org/ns/credentials/v2',
      'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json',
    ],
    id: `urn:uuid:00000000-0000-4000-8000-00000000000${n}`,
    type: ['VerifiableCredential', 'OpenBadgeCredential'],
    issuer: { id: 'https://academy.example.org', type: ['Profile'], name: 'Example Academy' },
    validFrom: '2026-01-01T00:00:00Z',
    name: `Achievement ${n}`,
    credentialSubject: {
      id: 'did:example:learner',
      type: ['AchievementSubject'],
      achievement: achievement(n),
    },
    proof: [{ type: 'DataIntegrityProof', cryptosuite: 'eddsa-rdfc-2022', proofValue: 'z3' }],
  };
}

function compactJws(payload: unknown): string {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part({ alg: 'EdDSA', kid: 'did:web:academy.example.org#key-1', typ: 'JWT' })}.${part(payload)}.c2lnbmF0dXJl`;
}

function clrInput(overrides: Partial<ClrCredentialInput> = {}): ClrCredentialInput {
  return {
    id: 'urn:uuid:11111111-2222-4333-8444-555555555555',
    issuer: { id: 'https://academy.example.org', name: 'Example Academy' },
    learner: { id: 'did:example:learner', name: 'Ada Lovelace' },
    credentials: [{ signed: signedJson(1) }],
    validFrom: '2026-02-01T00:00:00Z',
    ...overrides,
  };
}

function errorOf(fn: () => unknown): { code?: string; message?: string } {
  try {
    fn();
  } catch (error) {
    if (isCredstackError(error)) return { code: error.code, message: error.message };
    return { code: 'not a CredstackError' };
  }
  return {};
}

describe('buildClrCredential', () => {
  it('builds a ClrCredential with the CLR 2.0 contexts, types, subject and schema', () => {
    const clr = buildClrCredential(clrInput());

    expect(clr).toEqual({
      '@context': [
        'https://www.w3.org/ns/credentials/v2',
        'https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json',
        'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json',
        'https://purl.imsglobal.org/spec/ob/v3p0/extensions.json',
      ],
      id: 'urn:uuid:11111111-2222-4333-8444-555555555555',
      type: ['VerifiableCredential', 'ClrCredential'],
      issuer: { id: 'https://academy.example.org', type: ['Profile'], name: 'Example Academy' },
      validFrom: '2026-02-01T00:00:00Z',
      name: 'Comprehensive Learner Record: Ada Lovelace',
      credentialSubject: {
        id: 'did:example:learner',
        type: ['ClrSubject'],
        verifiableCredential: [signedJson(1)],
        achievement: [achievement(1)],
      },
      credentialSchema: [{ id: CLR_CREDENTIAL_SCHEMA_ID, type: '1EdTechJsonSchemaValidator2019' }],
    });
  });

  it('lists the achievement of every embedded credential', () => {
    const clr = buildClrCredential(
      clrInput({ credentials: [{ signed: signedJson(1) }, { signed: signedJson(2) }] }),
    );

    const subject = clr.credentialSubject as Record<string, unknown[]>;
    expect(subject.verifiableCredential).toEqual([signedJson(1), signedJson(2)]);
    expect(subject.achievement).toEqual([achievement(1), achievement(2)]);
  });

  it('parses credential JSON given as text', () => {
    const clr = buildClrCredential(
      clrInput({ credentials: [{ signed: JSON.stringify(signedJson(1)) }] }),
    );

    expect((clr.credentialSubject as Record<string, unknown>).verifiableCredential).toEqual([
      signedJson(1),
    ]);
  });

  it('lists each achievement once, in first-seen order', () => {
    const clr = buildClrCredential(
      clrInput({
        credentials: [
          { signed: signedJson(2) },
          { signed: signedJson(1) },
          { signed: signedJson(2) },
        ],
      }),
    );

    expect((clr.credentialSubject as Record<string, unknown>).achievement).toEqual([
      achievement(2),
      achievement(1),
    ]);
  });

  it('identifies a learner by identifier alone, and names the record without a learner name', () => {
    const identity: IdentityObject = {
      type: 'IdentityObject',
      hashed: true,
      identityHash: 'sha256$0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0',
      identityType: 'emailAddress',
      salt: 'pepper',
    };

    const clr = buildClrCredential(clrInput({ learner: { identifier: [identity] } }));

    expect(clr.name).toBe('Comprehensive Learner Record');
    expect(clr.credentialSubject).toMatchObject({ type: ['ClrSubject'], identifier: [identity] });
    expect(clr.credentialSubject).not.toHaveProperty('id');
  });

  it('uses the given name', () => {
    expect(buildClrCredential(clrInput({ name: 'Transcript 2026' })).name).toBe('Transcript 2026');
  });

  it('copies the credentials: changing the result leaves the input alone', () => {
    const input = signedJson(1);
    const clr = buildClrCredential(clrInput({ credentials: [{ signed: input }] }));

    const embedded = (clr.credentialSubject as { verifiableCredential: Record<string, unknown>[] })
      .verifiableCredential[0]!;
    embedded.name = 'changed';

    expect(input.name).toBe('Achievement 1');
  });

  it.each([
    ['no credentials', { credentials: [] }, '/credentials is empty'],
    [
      'an unsigned credential',
      { credentials: [{ signed: { ...signedJson(1), proof: undefined } }] },
      '/credentials/0/signed has no embedded proof',
    ],
    [
      'an object that is not a verifiable credential',
      { credentials: [{ signed: { type: ['OpenBadgeCredential'], proof: [{}] } }] },
      '/credentials/0/signed is not a verifiable credential',
    ],
    [
      'a string that is not JSON',
      { credentials: [{ signed: 'hello' }] },
      '/credentials/0/signed is not credential JSON',
    ],
    [
      'a VC-JWT (a CLR embeds credentials as objects with their proof)',
      {
        credentials: [{ signed: compactJws({ ...signedJson(2), proof: undefined }) }],
      },
      '/credentials/0/signed is a compact JWS; a CLR embeds each credential as an object',
    ],
    [
      'a learner with neither id nor identifier',
      { learner: { name: 'Ada' } },
      '/learner has neither an id nor an identifier',
    ],
    [
      'a malformed identifier',
      { learner: { identifier: [{ type: 'IdentityObject' } as unknown as IdentityObject] } },
      '/learner/identifier/0 is not an IdentityObject',
    ],
    ['a validFrom without a time zone', { validFrom: '2026-02-01T00:00:00' }, '/validFrom'],
    ['an id that is not a URI', { id: 'clr-1' }, '/id is not an absolute URI'],
    [
      'an issuer without a name',
      { issuer: { id: 'https://a.example', name: ' ' } },
      '/issuer/name',
    ],
  ] as const)('rejects %s', (_name, overrides, message) => {
    const error = errorOf(() =>
      buildClrCredential(clrInput(overrides as Partial<ClrCredentialInput>)),
    );

    expect(error.code).toBe('BUILD_INVALID');
    expect(error.message).toContain(message);
  });
});
