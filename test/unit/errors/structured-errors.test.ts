import { describe, expect, it } from 'vitest';
import { CredstackError, reportReason } from '#shared/core/errors.ts';
import { buildOpenBadgeCredential } from '#shared/credentials/model/build.ts';
import { asValidationError } from '#shared/domain/achievements.ts';
import { ServiceError } from '#shared/domain/errors.ts';
import type { SearchQuery } from '#shared/domain/ports/search-index.ts';
import { validateSearchQuery } from '#shared/search/query-limits.ts';

// Errors carry their code, pointer and fields as data: callers never read them out of a message.

function thrown(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

const QUERY: SearchQuery = {
  tenantId: 't',
  employerId: 'e',
  now: '2026-01-01T00:00:00Z',
  mustHave: [],
  niceToHave: [],
  filter: {},
  sort: 'relevance',
  size: 10,
  facets: false,
};

describe('CredstackError', () => {
  it('keeps the pointer, fields and upstream status it is given', () => {
    const error = new CredstackError('FETCH_FAILED', 'x answered HTTP 404', {
      pointer: '/a',
      fields: [{ pointer: '/a', detail: 'gone' }],
      httpStatus: 404,
    });

    expect(error).toMatchObject({ code: 'FETCH_FAILED', pointer: '/a', httpStatus: 404 });
    expect(error.fields).toEqual([{ pointer: '/a', detail: 'gone' }]);
    expect(new CredstackError('INPUT_MALFORMED', 'x').fields).toEqual([]);
  });
});

describe('the builder', () => {
  it('names the input at fault by pointer, not only in its message', () => {
    const error = thrown(() =>
      buildOpenBadgeCredential({
        issuer: { id: 'https://issuer.example', name: 'Issuer' },
        recipient: { id: 'did:example:learner' },
        achievement: {
          id: 'https://issuer.example/a/1',
          name: '',
          description: 'd',
          criteria: { narrative: 'n' },
        },
      }),
    );

    expect(error).toBeInstanceOf(CredstackError);
    const { code, pointer, fields } = error as CredstackError;
    expect(code).toBe('BUILD_INVALID');
    expect(pointer).toBe('/achievement/name');
    expect(fields).toHaveLength(1);
    expect(fields[0]?.pointer).toBe('/achievement/name');
  });
});

describe('asValidationError', () => {
  it("moves the builder's pointers into the request's", () => {
    const error = new CredstackError('BUILD_INVALID', 'any words at all', {
      pointer: '/achievement/name',
      fields: [{ pointer: '/achievement/name', detail: 'is required' }],
    });

    const mapped = asValidationError(error, '/achievement', '/definition');

    expect(mapped).toBeInstanceOf(ServiceError);
    expect(mapped).toMatchObject({
      code: 'VALIDATION',
      pointer: '/definition/name',
      message: '/definition/name: is required',
      fields: [{ pointer: '/definition/name', detail: 'is required' }],
    });
  });

  it('reads no pointer out of a message that looks like one', () => {
    const error = new CredstackError('BUILD_INVALID', '/achievement/name: is required');

    const mapped = asValidationError(error, '/achievement', '/definition') as ServiceError;

    expect(mapped.pointer).toBeUndefined();
    expect(mapped.message).toBe('/achievement/name: is required');
    expect(mapped.fields).toEqual([
      { pointer: '/definition', detail: '/achievement/name: is required' },
    ]);
  });

  it('leaves other errors alone', () => {
    const other = new CredstackError('KEY_NOT_FOUND', 'no key');
    expect(asValidationError(other, '/a', '/b')).toBe(other);
  });
});

describe('search query limits', () => {
  it.each([
    [{ size: 500 }, '/size'],
    [{ mustHave: Array.from({ length: 21 }, (_, i) => `s${i}`) }, '/mustHave'],
    [{ atLeast: { n: 3, of: ['a'] } }, '/atLeast/n'],
    [{ filter: { issuers: Array.from({ length: 51 }, (_, i) => `i${i}`) } }, '/filter/issuers'],
    [{ text: 'x'.repeat(201) }, '/text'],
    [{ tenantId: '' }, ''],
    [{ now: 'yesterday' }, ''],
  ] as const)('points at the field at fault: %j → %s', (change, pointer) => {
    const error = thrown(() => validateSearchQuery({ ...QUERY, ...change } as SearchQuery));

    expect(error).toBeInstanceOf(CredstackError);
    expect((error as CredstackError).pointer).toBe(pointer);
    expect((error as CredstackError).fields[0]?.pointer).toBe(pointer);
  });
});

describe('reportReason', () => {
  it("reports another server's HTTP status from the error's data", () => {
    const error = new CredstackError('FETCH_FAILED', 'fetch failed', { httpStatus: 410 });

    expect(reportReason(error, 'the key', (m) => m)).toBe(
      'the key could not be fetched (HTTP 410)',
    );
  });

  it('reads no status out of the message', () => {
    const error = new CredstackError('FETCH_FAILED', 'https://x answered HTTP 404');

    expect(reportReason(error, 'the key', (m) => m)).toBe('the key could not be fetched');
  });
});
