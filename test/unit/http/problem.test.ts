import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import {
  ajvErrorsToFields,
  HttpError,
  MAX_PROBLEM_FIELDS,
  PROBLEM_KINDS,
  type ProblemCode,
  problemFor,
  problemType,
  RETRY_AFTER_SECONDS,
  RequestValidationError,
} from '#functions/http/problem.ts';
import { CredstackError, ERROR_CODES } from '#shared/core/errors.ts';
import { SERVICE_ERROR_CODES, ServiceError, type ServiceErrorCode } from '#shared/domain/errors.ts';

const OPTIONS = { instance: '/issuers/northfield' };

const EXPECTED: Readonly<
  Record<ServiceErrorCode, { status: number; type: string; title: string }>
> = {
  VALIDATION: { status: 400, type: 'urn:credstack:problem:validation', title: 'Invalid request' },
  UNAUTHENTICATED: {
    status: 401,
    type: 'urn:credstack:problem:unauthenticated',
    title: 'Unauthenticated',
  },
  FORBIDDEN: { status: 403, type: 'urn:credstack:problem:forbidden', title: 'Forbidden' },
  NOT_FOUND: { status: 404, type: 'urn:credstack:problem:not-found', title: 'Not found' },
  CONFLICT: { status: 409, type: 'urn:credstack:problem:conflict', title: 'Conflict' },
  IDEMPOTENCY_MISMATCH: {
    status: 422,
    type: 'urn:credstack:problem:idempotency-mismatch',
    title: 'Idempotency key reused for a different request',
  },
  PAYLOAD_TOO_LARGE: {
    status: 413,
    type: 'urn:credstack:problem:payload-too-large',
    title: 'Payload too large',
  },
  UNAVAILABLE: {
    status: 503,
    type: 'urn:credstack:problem:unavailable',
    title: 'Service unavailable',
  },
};

describe('problemFor', () => {
  it('covers every ServiceError code', () => {
    expect(Object.keys(EXPECTED).sort()).toEqual([...SERVICE_ERROR_CODES].sort());
  });

  for (const [code, expected] of Object.entries(EXPECTED) as [
    ServiceErrorCode,
    (typeof EXPECTED)[ServiceErrorCode],
  ][]) {
    it(`maps ServiceError ${code} to ${expected.status}`, () => {
      const error = new ServiceError(code, `about ${code}`, { cause: new Error('inner secret') });

      const mapped = problemFor(error, OPTIONS);

      expect(mapped.status).toBe(expected.status);
      expect(mapped.unexpected).toBe(false);
      expect(mapped.body).toEqual({
        type: expected.type,
        title: expected.title,
        status: expected.status,
        detail: `about ${code}`,
        instance: '/issuers/northfield',
      });
      expect(mapped.headers['content-type']).toBe('application/problem+json');
      expect(mapped.headers['www-authenticate']).toBe(
        code === 'UNAUTHENTICATED' ? 'Bearer' : undefined,
      );
    });
  }

  it('asks for a retry after RETRY_AFTER_SECONDS on a 503 only, and has its cause logged', () => {
    const outage = new ServiceError(
      'UNAVAILABLE',
      'the data store is unavailable; try again shortly',
      {
        cause: Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:8000'), {
          code: 'ECONNREFUSED',
        }),
      },
    );

    const unavailable = problemFor(outage, OPTIONS);
    const conflict = problemFor(new ServiceError('CONFLICT', 'taken'), OPTIONS);

    expect(unavailable.headers['retry-after']).toBe(String(RETRY_AFTER_SECONDS));
    expect(unavailable.logCause).toBe(true);
    expect(JSON.stringify(unavailable.body)).not.toContain('ECONNREFUSED');
    expect(conflict.headers['retry-after']).toBeUndefined();
    expect(conflict.logCause).toBe(false);
  });

  it('lists the fields of a ServiceError', () => {
    const error = new ServiceError('VALIDATION', 'bad recipient', {
      fields: [{ pointer: '/recipient', detail: 'give either id or email' }],
    });

    const mapped = problemFor(error, OPTIONS);

    expect(mapped.body.errors).toEqual([
      { pointer: '/recipient', detail: 'give either id or email' },
    ]);
  });

  it('uses the given challenge on a 401', () => {
    const mapped = problemFor(new ServiceError('UNAUTHENTICATED', 'expired'), {
      ...OPTIONS,
      challenge: 'Bearer error="invalid_token"',
    });

    expect(mapped.headers['www-authenticate']).toBe('Bearer error="invalid_token"');
  });

  it('maps a RequestValidationError to 400 with its fields, capped', () => {
    const fields = Array.from({ length: 80 }, (_, i) => ({ pointer: `/${i}`, detail: 'bad' }));

    const mapped = problemFor(
      new RequestValidationError('the request body is invalid', fields),
      OPTIONS,
    );

    expect(mapped.status).toBe(400);
    expect(mapped.body.detail).toBe('the request body is invalid');
    expect(mapped.body.errors).toHaveLength(MAX_PROBLEM_FIELDS);
  });

  it("maps Ajv's ValidationError (async schemas) to 400 with pointers", async () => {
    const ajv = new Ajv2020({ allErrors: true });
    const validate = ajv.compile({
      $async: true,
      type: 'object',
      required: ['id'],
      properties: { id: { type: 'string' } },
    });
    const error = await Promise.resolve(validate({})).then(
      () => undefined,
      (failure: unknown) => failure,
    );

    const mapped = problemFor(error, OPTIONS);

    expect(mapped.status).toBe(400);
    expect(mapped.body.errors).toEqual([{ pointer: '/id', detail: 'is required' }]);
  });

  it('maps an HttpError to its status with its headers', () => {
    const mapped = problemFor(
      new HttpError(405, 'Method not allowed', 'this path answers GET', { Allow: 'GET' }),
      OPTIONS,
    );

    expect(mapped.status).toBe(405);
    expect(mapped.headers).toEqual({ 'content-type': 'application/problem+json', allow: 'GET' });
    expect(mapped.body.type).toBe('urn:credstack:problem:method-not-allowed');
  });

  it('maps anything else to a 500 that reveals nothing about it', () => {
    for (const thrown of [
      new Error('db password hunter2'),
      new CredstackError('SIGNING_FAILED', 'KMS key arn:aws:kms:eu-west-1:1:key/abc'),
      'a string',
      undefined,
    ]) {
      const mapped = problemFor(thrown, OPTIONS);

      expect(mapped.status).toBe(500);
      expect(mapped.unexpected).toBe(true);
      expect(mapped.body).toEqual({
        type: 'urn:credstack:problem:internal',
        title: 'Internal server error',
        status: 500,
        detail:
          'The request could not be processed. Quote the x-correlation-id response header when reporting this.',
        instance: '/issuers/northfield',
      });
    }
  });
});

describe('PROBLEM_KINDS', () => {
  // The codes whose failure is the service's own (its keys, its configuration): only these may
  // answer 500. Any other code reaching the HTTP layer untranslated must still say what it is.
  const INTERNAL: readonly ProblemCode[] = ['SIGNING_FAILED', 'CONFIG_INVALID'];
  const ALL: readonly ProblemCode[] = [...SERVICE_ERROR_CODES, ...ERROR_CODES];

  it('has exactly one entry per ServiceError and CredstackError code', () => {
    expect(Object.keys(PROBLEM_KINDS).sort()).toEqual([...new Set(ALL)].sort());
    expect(new Set(ALL).size).toBe(ALL.length);
  });

  for (const code of ERROR_CODES) {
    it(`maps an untranslated CredstackError ${code} to its own problem`, () => {
      const error = new CredstackError(code, `core says ${code}`, {
        pointer: '/a',
        fields: [{ pointer: '/a', detail: 'is wrong' }],
      });

      const mapped = problemFor(error, OPTIONS);

      const internal = INTERNAL.includes(code);
      expect(mapped.status).toBe(PROBLEM_KINDS[code].status);
      expect(mapped.status === 500).toBe(internal);
      expect(mapped.unexpected).toBe(internal);
      expect(mapped.body.type).toBe(
        internal ? 'urn:credstack:problem:internal' : problemType(code),
      );
      expect(mapped.body.title).toBe(PROBLEM_KINDS[code].title);
      expect(mapped.body.errors).toEqual([{ pointer: '/a', detail: 'is wrong' }]);
    });
  }

  for (const code of SERVICE_ERROR_CODES) {
    it(`maps ServiceError ${code} to a non-500 problem named after the code`, () => {
      const mapped = problemFor(new ServiceError(code, 'x'), OPTIONS);

      expect(mapped.status).toBeGreaterThanOrEqual(400);
      expect(mapped.status).not.toBe(500);
      expect(mapped.body.type).toBe(problemType(code));
    });
  }

  it("keeps a fetch failure's message (a socket error, an address) out of the answer", () => {
    const error = new CredstackError('FETCH_FAILED', 'connect ECONNREFUSED 10.0.0.7:443');

    const mapped = problemFor(error, OPTIONS);

    expect(mapped.status).toBe(502);
    expect(mapped.body.detail).not.toContain('10.0.0.7');
    expect(mapped.logCause).toBe(true);
  });

  it('names the problem type after the code', () => {
    expect(problemType('FETCH_TIMEOUT')).toBe('urn:credstack:problem:fetch-timeout');
  });
});

describe('ajvErrorsToFields', () => {
  it('points at a missing or extra property itself, escaping ~ and /', () => {
    const ajv = new Ajv2020({ allErrors: true });
    const validate = ajv.compile({
      type: 'object',
      required: ['a/b', 'c~d'],
      properties: { list: { type: 'array', items: { type: 'integer' } } },
      additionalProperties: false,
    });

    validate({ list: [1, 'x'], zz: 1 });

    expect(ajvErrorsToFields(validate.errors ?? [])).toEqual([
      { pointer: '/a~1b', detail: 'is required' },
      { pointer: '/c~0d', detail: 'is required' },
      { pointer: '/zz', detail: 'is not allowed' },
      { pointer: '/list/1', detail: 'must be integer' },
    ]);
  });
});
