import { createHash } from 'node:crypto';
import {
  GetObjectCommand,
  type GetObjectCommandOutput,
  NoSuchKey,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { S3ImageStore } from '#shared/adapters/s3/image-store.ts';
import { ServiceError } from '#shared/domain/errors.ts';
import type { StoredImage } from '#shared/domain/ports/repositories.ts';

const s3 = mockClient(S3Client);
const store = new S3ImageStore({ client: new S3Client({}), bucket: 'credstack-test-images' });

const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]);
const NAME = `${createHash('sha256').update(PNG).digest('hex')}.png`;
const IMAGE: StoredImage = { issuerId: 'acme', name: NAME, contentType: 'image/png', bytes: PNG };

/** An S3 error as the SDK raises it: a named exception with the HTTP status. */
function s3Error(name: string, status: number): S3ServiceException {
  return new S3ServiceException({
    name,
    $fault: status >= 500 ? 'server' : 'client',
    $metadata: { httpStatusCode: status },
    message: name,
  });
}

/** A GetObject body as the SDK hands it over: a stream that can be read whole, once. */
function body(bytes: Uint8Array) {
  return {
    transformToByteArray: async () => bytes.slice(),
  } as unknown as GetObjectCommandOutput['Body'];
}

function codeOf(error: unknown): string | undefined {
  return error instanceof ServiceError ? error.code : undefined;
}

async function errorOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

describe('S3ImageStore', () => {
  beforeEach(() => {
    s3.reset();
  });

  it('puts the bytes under images/<issuer>/<hash name>, with their content type, only if absent', async () => {
    s3.on(PutObjectCommand).resolves({});

    await store.put(IMAGE);

    const calls = s3.commandCalls(PutObjectCommand);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.args[0].input).toMatchObject({
      Bucket: 'credstack-test-images',
      Key: `images/acme/${NAME}`,
      Body: PNG,
      ContentType: 'image/png',
      IfNoneMatch: '*',
    });
  });

  it('treats a repeated upload of the same bytes (the object exists) as done', async () => {
    s3.on(PutObjectCommand).resolvesOnce({}).rejects(s3Error('PreconditionFailed', 412));

    await store.put(IMAGE);
    await expect(store.put(IMAGE)).resolves.toBeUndefined();

    const keys = s3.commandCalls(PutObjectCommand).map((call) => call.args[0].input.Key);
    expect(keys).toEqual([`images/acme/${NAME}`, `images/acme/${NAME}`]);
  });

  it('treats losing a race to write the same key (409) as done', async () => {
    s3.on(PutObjectCommand).rejects(s3Error('ConditionalRequestConflict', 409));

    await expect(store.put(IMAGE)).resolves.toBeUndefined();
  });

  it('reads back the bytes and the stored content type', async () => {
    const svg = new TextEncoder().encode('<svg xmlns="http://www.w3.org/2000/svg"/>');
    const svgName = `${createHash('sha256').update(svg).digest('hex')}.svg`;
    s3.on(GetObjectCommand, {
      Bucket: 'credstack-test-images',
      Key: `images/acme/${svgName}`,
    }).resolves({ Body: body(svg), ContentType: 'image/svg+xml' });

    const image = await store.get('acme', svgName);

    expect(image).toEqual({
      issuerId: 'acme',
      name: svgName,
      contentType: 'image/svg+xml',
      bytes: svg,
    });
  });

  it('answers a missing object (NoSuchKey) with undefined, as the other stores do', async () => {
    s3.on(GetObjectCommand).rejects(
      new NoSuchKey({
        $metadata: { httpStatusCode: 404 },
        message: 'The specified key does not exist.',
      }),
    );

    await expect(store.get('acme', NAME)).resolves.toBeUndefined();
  });

  it('answers a bare 404 from S3 with undefined too', async () => {
    s3.on(GetObjectCommand).rejects(s3Error('NotFound', 404));

    await expect(store.get('acme', NAME)).resolves.toBeUndefined();
  });

  it.each([
    ['an issuer id with a separator', '../other', NAME],
    ['a name that is not a hash', 'acme', 'logo.png'],
    ['a name with a path', 'acme', `../x/${NAME}`],
  ])('refuses %s as NOT_FOUND without asking S3', async (_, issuerId, name) => {
    const error = await errorOf(store.get(issuerId, name));

    expect(codeOf(error)).toBe('NOT_FOUND');
    expect(s3.calls()).toHaveLength(0);
  });

  it('refuses to put under an issuer id that is no key part', async () => {
    const error = await errorOf(store.put({ ...IMAGE, issuerId: 'a/b' }));

    expect(codeOf(error)).toBe('NOT_FOUND');
    expect(s3.calls()).toHaveLength(0);
  });

  it.each([
    ['throttled', s3Error('SlowDown', 503)],
    ['failing', s3Error('InternalError', 500)],
    ['unreachable', Object.assign(new Error('connect ETIMEDOUT'), { code: 'ETIMEDOUT' })],
  ])('reports S3 %s as UNAVAILABLE', async (_, cause) => {
    s3.on(GetObjectCommand).rejects(cause);
    s3.on(PutObjectCommand).rejects(cause);

    for (const error of [await errorOf(store.get('acme', NAME)), await errorOf(store.put(IMAGE))])
      expect(codeOf(error)).toBe('UNAVAILABLE');
  });

  it('lets a denied request through as the fault it is', async () => {
    const denied = s3Error('AccessDenied', 403);
    s3.on(GetObjectCommand).rejects(denied);

    await expect(store.get('acme', NAME)).rejects.toBe(denied);
  });
});
