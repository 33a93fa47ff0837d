import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { StaticFetcher, type StaticResponse } from '#shared/adapters/https/static-fetcher.ts';
import { fixedClock } from '#shared/core/clock.ts';
import { CachingFetcher } from '#shared/credentials/fetch/caching-fetcher.ts';
import { createBitstring, encodeBitstring, setBit } from '#shared/credentials/status/bitstring.ts';
import {
  checkCredentialStatus,
  settledCredentialStatus,
} from '#shared/credentials/status/status-check.ts';

const LIST_URL = 'https://college.example/status/1';
const clock = fixedClock('2026-03-01T00:00:00Z');

interface ListShape {
  readonly purpose?: string | string[];
  readonly set?: readonly number[];
  readonly length?: number;
  readonly validFrom?: string;
  readonly validUntil?: string;
  readonly type?: string[];
  readonly subjectType?: string;
  readonly encodedList?: string;
}

function listCredential(shape: ListShape = {}): Record<string, unknown> {
  const bits = createBitstring(shape.length);
  for (const index of shape.set ?? []) setBit(bits, index);
  return {
    '@context': ['https://www.w3.org/ns/credentials/v2'],
    id: LIST_URL,
    type: shape.type ?? ['VerifiableCredential', 'BitstringStatusListCredential'],
    issuer: 'https://college.example/issuer',
    validFrom: shape.validFrom ?? '2026-01-01T00:00:00Z',
    ...(shape.validUntil ? { validUntil: shape.validUntil } : {}),
    credentialSubject: {
      id: `${LIST_URL}#list`,
      type: shape.subjectType ?? 'BitstringStatusList',
      statusPurpose: shape.purpose ?? 'revocation',
      encodedList: shape.encodedList ?? encodeBitstring(bits),
    },
  };
}

function entry(fields: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: `${LIST_URL}#23`,
    type: 'BitstringStatusListEntry',
    statusPurpose: 'revocation',
    statusListIndex: '23',
    statusListCredential: LIST_URL,
    ...fields,
  };
}

function credentialWith(status: unknown): Record<string, unknown> {
  return { id: 'urn:uuid:1', issuer: 'https://college.example/issuer', credentialStatus: status };
}

function serving(list: Record<string, unknown> | string): StaticFetcher {
  const response: StaticResponse = {
    // Bytes, not text: the same body instance on every fetch, as a caching fetcher gives.
    body: new TextEncoder().encode(typeof list === 'string' ? list : JSON.stringify(list)),
  };
  return new StaticFetcher({ [LIST_URL]: response });
}

describe('checkCredentialStatus with a Bitstring Status List', () => {
  it('reports a revoked credential when its bit is set', async () => {
    const fetcher = serving(listCredential({ set: [23] }));

    const results = await checkCredentialStatus(credentialWith(entry()), { fetcher, clock });

    expect(results).toEqual([
      {
        type: 'BitstringStatusListEntry',
        purpose: 'revocation',
        outcome: 'revoked',
        reason: `entry 23 of ${LIST_URL} is set: the issuer has revoked the credential (the status list credential itself was not verified)`,
      },
    ]);
  });

  it('reports an active credential when its bit is clear', async () => {
    const fetcher = serving(listCredential({ set: [22, 24] }));

    const [result] = await checkCredentialStatus(credentialWith(entry()), { fetcher, clock });

    expect(result?.outcome).toBe('active');
  });

  it('accepts a numeric statusListIndex', async () => {
    const fetcher = serving(listCredential({ set: [23] }));

    const [result] = await checkCredentialStatus(credentialWith(entry({ statusListIndex: 23 })), {
      fetcher,
      clock,
    });

    expect(result?.outcome).toBe('revoked');
  });

  it('reports a suspended credential for a suspension list', async () => {
    const fetcher = serving(listCredential({ purpose: 'suspension', set: [23] }));

    const [result] = await checkCredentialStatus(
      credentialWith(entry({ statusPurpose: 'suspension' })),
      { fetcher, clock },
    );

    expect(result).toMatchObject({ purpose: 'suspension', outcome: 'suspended' });
  });

  it('refuses a list published for another purpose', async () => {
    const fetcher = serving(listCredential({ purpose: 'suspension', set: [23] }));

    const [result] = await checkCredentialStatus(credentialWith(entry()), { fetcher, clock });

    expect(result?.outcome).toBe('error');
    expect(result?.reason).toBe(
      `the status list at ${LIST_URL} is for "suspension", but the entry asks about "revocation"`,
    );
  });

  it('reports an error for an index outside the list', async () => {
    const fetcher = serving(listCredential());

    const [result] = await checkCredentialStatus(
      credentialWith(entry({ statusListIndex: '131072' })),
      { fetcher, clock },
    );

    expect(result?.outcome).toBe('error');
    expect(result?.reason).toContain('index 131072 is outside the status list of 131072 entries');
  });

  it.each([['-1'], ['1e3'], ['07'], [null]])(
    'reports an error for the statusListIndex %j',
    async (index) => {
      const [result] = await checkCredentialStatus(
        credentialWith(entry({ statusListIndex: index })),
        { fetcher: serving(listCredential()), clock },
      );

      expect(result?.outcome).toBe('error');
      expect(result?.reason).toContain('is not a non-negative integer');
    },
  );

  it('reports an error when the list cannot be fetched', async () => {
    const fetcher = new StaticFetcher({});

    const [result] = await checkCredentialStatus(credentialWith(entry()), { fetcher, clock });

    expect(result?.outcome).toBe('error');
    // The fetcher's own message stays out of the report: it may name internal addresses.
    expect(result?.reason).toBe(
      'the status list https://college.example/status/1 could not be fetched',
    );
  });

  it('reports an error for a list shorter than 131,072 entries', async () => {
    const fetcher = serving(listCredential({ length: 1024, set: [23] }));

    const [result] = await checkCredentialStatus(credentialWith(entry()), { fetcher, clock });

    expect(result?.outcome).toBe('error');
    expect(result?.reason).toContain('fewer than the 131072');
  });

  it('reports an error for a list that is not yet valid or has expired', async () => {
    const early = serving(listCredential({ validFrom: '2026-06-01T00:00:00Z' }));
    const late = serving(listCredential({ validUntil: '2026-02-01T00:00:00Z' }));

    const [notYet] = await checkCredentialStatus(credentialWith(entry()), {
      fetcher: early,
      clock,
    });
    const [expired] = await checkCredentialStatus(credentialWith(entry()), {
      fetcher: late,
      clock,
    });

    expect(notYet?.outcome).toBe('error');
    expect(notYet?.reason).toContain('is not valid until 2026-06-01T00:00:00Z');
    expect(expired?.outcome).toBe('error');
    expect(expired?.reason).toContain('expired at 2026-02-01T00:00:00Z');
  });

  it('refuses a document that is not a status list credential', async () => {
    const wrongType = serving(listCredential({ type: ['VerifiableCredential'] }));
    const wrongSubject = serving(listCredential({ subjectType: 'SomethingElse' }));

    const [a] = await checkCredentialStatus(credentialWith(entry()), { fetcher: wrongType, clock });
    const [b] = await checkCredentialStatus(credentialWith(entry()), {
      fetcher: wrongSubject,
      clock,
    });

    expect(a?.reason).toBe(`the document at ${LIST_URL} is not a BitstringStatusListCredential`);
    expect(b?.reason).toBe(
      `the status list credential at ${LIST_URL} has no BitstringStatusList subject`,
    );
  });

  it('reports an error for an encodedList that is a gzip bomb', async () => {
    const bomb = `u${gzipSync(Buffer.alloc(4 * 1024 * 1024)).toString('base64url')}`;
    const fetcher = serving(listCredential({ encodedList: bomb }));

    const [result] = await checkCredentialStatus(credentialWith(entry()), {
      fetcher,
      clock,
      maxListBytes: 1024 * 1024,
    });

    expect(result?.outcome).toBe('error');
    expect(result?.reason).toContain('inflates to more than the limit of 1048576 bytes');
  });

  it('reads a list credential secured as a VC-JWT and hands the JWT to the verifier', async () => {
    const vc = listCredential({ set: [23] });
    const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const jwt = `${b64({ alg: 'ES256', typ: 'JWT' })}.${b64({ vc, iss: vc.issuer })}.c2ln`;
    const received: unknown[] = [];

    const [result] = await checkCredentialStatus(credentialWith(entry()), {
      fetcher: serving(jwt),
      clock,
      verifyStatusListCredential: async (value) => {
        received.push(value);
        return { ok: true, reason: 'ok' };
      },
    });

    expect(result?.outcome).toBe('revoked');
    expect(result?.reason).not.toContain('not verified');
    expect(received).toEqual([jwt]);
  });

  it('reports an error when the list credential fails verification', async () => {
    const [result] = await checkCredentialStatus(credentialWith(entry()), {
      fetcher: serving(listCredential({ set: [23] })),
      clock,
      verifyStatusListCredential: async () => ({ ok: false, reason: 'bad signature' }),
    });

    expect(result?.outcome).toBe('error');
    expect(result?.reason).toBe(
      `the status list credential at ${LIST_URL} failed verification: bad signature`,
    );
  });

  it('verifies a shared list once for many credentials', async () => {
    const fetcher = serving(listCredential({ set: [23] }));
    let calls = 0;
    const verifyStatusListCredential = async () => {
      calls += 1;
      return { ok: true, reason: 'ok' };
    };

    for (const index of ['1', '2', '23'])
      await checkCredentialStatus(credentialWith(entry({ statusListIndex: index })), {
        fetcher,
        clock,
        verifyStatusListCredential,
      });

    expect(calls).toBe(1);
  });

  it('gives the status message of a multi-bit message entry', async () => {
    const bits = createBitstring(131_072 * 2);
    setBit(bits, 2 * 7); // entry 7 holds 0b10
    const fetcher = serving(
      listCredential({ purpose: 'message', encodedList: encodeBitstring(bits) }),
    );

    const [result] = await checkCredentialStatus(
      credentialWith(
        entry({
          statusPurpose: 'message',
          statusListIndex: '7',
          statusSize: 2,
          statusMessage: [
            { status: '0x0', message: 'pending' },
            { status: '0x1', message: 'accepted' },
            { status: '0x2', message: 'rejected' },
            { status: '0x3', message: 'undefined' },
          ],
        }),
      ),
      { fetcher, clock },
    );

    expect(result?.outcome).toBe('active');
    expect(result?.reason).toContain('holds status 0x2: "rejected"');
  });

  it('checks every entry of a credentialStatus array', async () => {
    const fetcher = serving(listCredential({ purpose: ['revocation', 'suspension'], set: [23] }));

    const results = await checkCredentialStatus(
      credentialWith([entry(), entry({ statusPurpose: 'suspension', statusListIndex: '5' })]),
      { fetcher, clock },
    );

    expect(results.map((r) => [r.purpose, r.outcome])).toEqual([
      ['revocation', 'revoked'],
      ['suspension', 'active'],
    ]);
  });

  it('reports an unknown status type as unknown', async () => {
    const results = await checkCredentialStatus(
      credentialWith({ id: 'https://x.example/s', type: 'CredentialStatusList2017' }),
      { fetcher: new StaticFetcher({}), clock },
    );

    expect(results).toEqual([
      {
        type: 'CredentialStatusList2017',
        outcome: 'unknown',
        reason:
          'the status type "CredentialStatusList2017" is not one this verifier can check (BitstringStatusListEntry, StatusList2021Entry and 1EdTechRevocationList are)',
      },
    ]);
  });

  it('returns no results for a credential without credentialStatus', async () => {
    const results = await checkCredentialStatus(
      { id: 'urn:uuid:1' },
      { fetcher: new StaticFetcher({}), clock },
    );

    expect(results).toEqual([]);
  });

  it('checks at most 16 entries and says so', async () => {
    const fetcher = serving(listCredential());
    const entries = Array.from({ length: 20 }, (_, i) => entry({ statusListIndex: String(i) }));

    const results = await checkCredentialStatus(credentialWith(entries), { fetcher, clock });

    expect(results).toHaveLength(17);
    expect(results.at(-1)?.outcome).toBe('error');
    expect(fetcher.requests).toHaveLength(16);
  });
});

describe('settledCredentialStatus', () => {
  const verdicts = {
    trusted: async () => ({ ok: true, reason: 'ok' }),
    refused: async () => ({ ok: false, reason: 'bad signature' }),
  };

  it.each([
    ['an active entry', listCredential({ set: [5] }), entry(), verdicts.trusted],
    ['a revoked entry', listCredential({ set: [23] }), entry(), verdicts.trusted],
    ['a list of another purpose', listCredential({ purpose: 'suspension' }), entry(), undefined],
    [
      'an expired list',
      listCredential({ validUntil: '2026-02-01T00:00:00Z' }),
      entry(),
      verdicts.trusted,
    ],
    ['a list that fails verification', listCredential(), entry(), verdicts.refused],
    ['an unverified list', listCredential({ set: [23] }), entry(), undefined],
    [
      'an index outside the list',
      listCredential(),
      entry({ statusListIndex: '200000' }),
      verdicts.trusted,
    ],
    ['an entry without a purpose', listCredential(), entry({ statusPurpose: 7 }), undefined],
  ])(
    'answers %s as checkCredentialStatus does, once the list is at hand',
    async (_what, list, listEntry, verify) => {
      const fetcher = new CachingFetcher(serving(list));
      const options = {
        fetcher,
        clock,
        ...(verify ? { verifyStatusListCredential: verify } : {}),
      };
      const credential = credentialWith(listEntry);
      const cold = settledCredentialStatus(credential, options);
      const full = await checkCredentialStatus(credential, options);

      expect(cold === undefined || listEntry.statusPurpose === 7).toBe(true);
      expect(settledCredentialStatus(credential, options)).toEqual(full);
    },
  );

  it('leaves to the full check what it cannot answer at once', async () => {
    const fetcher = new CachingFetcher(serving(listCredential()));
    const options = { fetcher, clock, verifyStatusListCredential: verdicts.trusted };
    await checkCredentialStatus(credentialWith(entry()), options);

    for (const status of [
      { type: '1EdTechRevocationList', id: 'https://college.example/revocations' },
      'not an object',
      entry({ statusListCredential: 'https://college.example/status/2' }),
      Array.from({ length: 17 }, () => entry()),
    ])
      expect(settledCredentialStatus(credentialWith(status), options)).toBeUndefined();
    expect(
      settledCredentialStatus(credentialWith(entry()), {
        fetcher: serving(listCredential()),
        clock,
      }),
    ).toBeUndefined();
  });
});
