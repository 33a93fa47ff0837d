import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SignatureV4 } from '@smithy/signature-v4';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openSearchTransport, signOpenSearchRequest } from '#shared/adapters/opensearch/client.ts';
import { NodeSha256 } from '#test/support/node-sha256.ts';

/**
 * The OpenSearch client of our own (shared/adapters/opensearch/client.ts): what it puts on the
 * wire and how it reads answers, against a local HTTP server; which failures it sends again;
 * and its Signature V4 against the AWS SDK's signer, the reference (test only).
 */

const credentials = async () => ({ accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' });

interface Received {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingMessage['headers'];
  readonly body: string;
}

type Handler = (request: IncomingMessage, response: ServerResponse) => void;

let server: Server;
let base: string;
let received: Received[];
let handlers: Handler[];

function json(status: number, body: unknown, type = 'application/json; charset=UTF-8'): Handler {
  return (_, response) => {
    response.writeHead(status, { 'content-type': type });
    response.end(typeof body === 'string' ? body : JSON.stringify(body));
  };
}

// Each request takes the next handler; the last one repeats.
function answer(...next: Handler[]): void {
  handlers = next;
}

beforeAll(async () => {
  server = createServer((request, response) => {
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => {
      body += chunk;
    });
    request.on('end', () => {
      received.push({
        method: request.method ?? '',
        url: request.url ?? '',
        headers: request.headers,
        body,
      });
      const handler = handlers.length > 1 ? handlers.shift() : handlers[0];
      handler?.(request, response);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

beforeEach(() => {
  received = [];
  handlers = [json(200, {})];
});

describe('openSearchTransport', () => {
  it('refuses URLs it cannot use, as CONFIG_INVALID', () => {
    const aws = { region: 'eu-west-1', service: 'es' as const, credentials };

    for (const options of [
      { url: 'not a url' },
      { url: 'ftp://search.example' },
      { url: 'http://search.example', aws },
      { url: 'https://user:pass@search.example', aws },
    ]) {
      expect(() => openSearchTransport(options)).toThrow(
        expect.objectContaining({ code: 'CONFIG_INVALID' }),
      );
    }
  });

  it('signs with the credentials it is given: a failing provider fails the request before it is sent', async () => {
    const unavailable = new Error('no credentials in this environment');
    let asked = 0;
    const transport = openSearchTransport({
      url: 'https://search-credstack.eu-west-1.es.amazonaws.com',
      maxRetries: 0,
      aws: {
        region: 'eu-west-1',
        service: 'es',
        credentials: async () => {
          asked += 1;
          throw unavailable;
        },
      },
    });

    const failure = await transport.request({ method: 'GET', path: '/' }).catch((e: unknown) => e);

    expect(failure).toBe(unavailable);
    expect(asked).toBe(1);
  });

  it('sends a JSON body and an encoded, sorted query under the URL path, and parses the answer', async () => {
    answer(json(201, { result: 'created' }));
    const transport = openSearchTransport({ url: `${base}/cluster/` });

    const response = await transport.request({
      method: 'PUT',
      path: '/candidates/_doc/t%3Al',
      querystring: { version_type: 'external', version: 3, refresh: 'wait_for', q: "a b!'" },
      body: { name: 'Ada', skills: ['x'] },
    });

    expect(response).toEqual({ statusCode: 201, body: { result: 'created' } });
    expect(received).toHaveLength(1);
    const [sent] = received;
    expect(sent?.method).toBe('PUT');
    expect(sent?.url).toBe(
      '/cluster/candidates/_doc/t%3Al?q=a%20b%21%27&refresh=wait_for&version=3&version_type=external',
    );
    expect(sent?.headers['content-type']).toBe('application/json');
    expect(sent?.body).toBe('{"name":"Ada","skills":["x"]}');
    expect(sent?.headers['content-length']).toBe(String(sent?.body.length));
    expect(sent?.headers.authorization).toBeUndefined();
  });

  it('sends the user and password of the URL as basic auth', async () => {
    const transport = openSearchTransport({ url: base.replace('//', '//admin:p%40ss@') });

    await transport.request({ method: 'GET', path: '/' });

    expect(received[0]?.headers.authorization).toBe(
      `Basic ${Buffer.from('admin:p@ss').toString('base64')}`,
    );
  });

  it('answers HEAD with a boolean: true when found, false on 404 without failing', async () => {
    answer(json(200, ''), json(404, ''));
    const transport = openSearchTransport({ url: base });

    expect(await transport.request({ method: 'HEAD', path: '/candidates' })).toEqual({
      statusCode: 200,
      body: true,
    });
    expect(await transport.request({ method: 'HEAD', path: '/candidates' })).toEqual({
      statusCode: 404,
      body: false,
    });
  });

  it('rejects a failure status with a ResponseError carrying the body, unless told to ignore it', async () => {
    const refusal = { error: { type: 'version_conflict_engine_exception' }, status: 409 };
    answer(json(409, refusal));
    const transport = openSearchTransport({ url: base });

    const failure = await transport
      .request({ method: 'PUT', path: '/i/_doc/a', body: {} })
      .catch((e: unknown) => e);
    const ignored = await transport.request(
      { method: 'PUT', path: '/i/_doc/a', body: {} },
      { ignore: [409] },
    );

    expect(failure).toMatchObject({ name: 'ResponseError', statusCode: 409, body: refusal });
    expect(ignored).toEqual({ statusCode: 409, body: refusal });
    expect(received).toHaveLength(2);
  });

  it('sends again on 502–504 up to maxRetries times, then fails with the last answer', async () => {
    answer(json(503, { error: 'busy' }), json(502, 'bad gateway', 'text/plain'), json(200, {}));
    const recovering = openSearchTransport({ url: base, maxRetries: 2 });

    expect(await recovering.request({ method: 'GET', path: '/' })).toEqual({
      statusCode: 200,
      body: {},
    });
    expect(received).toHaveLength(3);

    received = [];
    answer(json(504, { error: 'timeout' }));
    const failure = await openSearchTransport({ url: base, maxRetries: 1 })
      .request({ method: 'GET', path: '/' })
      .catch((e: unknown) => e);
    expect(failure).toMatchObject({ name: 'ResponseError', statusCode: 504 });
    expect(received).toHaveLength(2);
  });

  it('never sends again on other failures (500, 429, 4xx)', async () => {
    const transport = openSearchTransport({ url: base, maxRetries: 2 });

    for (const status of [500, 429, 400]) {
      received = [];
      answer(json(status, { error: { type: 'x' } }));
      await expect(
        transport.request({ method: 'POST', path: '/_search', body: {} }),
      ).rejects.toMatchObject({ name: 'ResponseError', statusCode: status });
      expect(received).toHaveLength(1);
    }
  });

  it('sends again when the connection breaks, and fails with a ConnectionError when it keeps breaking', async () => {
    const breakOff: Handler = (_, response) => response.socket?.destroy();
    answer(breakOff, json(200, { ok: true }));
    const transport = openSearchTransport({ url: base, maxRetries: 1 });

    expect(await transport.request({ method: 'GET', path: '/' })).toEqual({
      statusCode: 200,
      body: { ok: true },
    });
    expect(received).toHaveLength(2);

    received = [];
    answer(breakOff);
    await expect(transport.request({ method: 'GET', path: '/' })).rejects.toMatchObject({
      name: 'ConnectionError',
    });
    expect(received).toHaveLength(2);
  });

  it('fails with a TimeoutError when the cluster does not answer in time', async () => {
    answer(() => {});
    const transport = openSearchTransport({ url: base, maxRetries: 1, requestTimeoutMs: 100 });

    await expect(transport.request({ method: 'GET', path: '/' })).rejects.toMatchObject({
      name: 'TimeoutError',
    });
    expect(received).toHaveLength(2);
  });

  it('refuses an answer that is not the JSON it claims, or would set a prototype', async () => {
    const transport = openSearchTransport({ url: base, maxRetries: 2 });

    for (const body of [
      '{"hits":',
      '{"_source":{"__proto__":{"admin":true}}}',
      '{"_source":{"\\u005f_proto__":{"admin":true}}}',
      '{"a":{"constructor":{"prototype":{"admin":true}}}}',
    ]) {
      received = [];
      answer(json(200, body));
      await expect(transport.request({ method: 'GET', path: '/' })).rejects.toMatchObject({
        name: 'DeserializationError',
      });
      expect(received).toHaveLength(1);
    }
    answer(json(200, '{"constructor":"a word in a name","text":"\\u00e9"}'));
    expect((await transport.request({ method: 'GET', path: '/' })).body).toEqual({
      constructor: 'a word in a name',
      text: 'é',
    });
  });

  it('gives an answer that is not JSON as its text', async () => {
    answer(json(200, 'green open candidates', 'text/plain; charset=UTF-8'));
    const transport = openSearchTransport({ url: base });

    expect(await transport.request({ method: 'GET', path: '/_cat/indices' })).toEqual({
      statusCode: 200,
      body: 'green open candidates',
    });
  });
});

describe('signOpenSearchRequest (Signature V4)', () => {
  it.each(['es', 'aoss'])(
    'signs a versioned write for %s exactly as the SDK signer does',
    async (service) => {
      const temporary = {
        accessKeyId: 'ASIAEXAMPLE',
        secretAccessKey: 'c2VjcmV0LWtleS1mb3ItdGVzdHM',
        sessionToken: 'IQoJb3JpZ2luX2VjEXAMPLE//token+with/slashes==',
      };
      const host = 'search-credstack-abc.eu-west-1.es.amazonaws.com';
      // A document id as the adapter sends it: each part URI-encoded, then the whole once more.
      const path = `/candidates/_doc/${encodeURIComponent('northfield:learner%3A1')}`;
      const body = JSON.stringify({ tenantId: 'northfield', name: "O'Brien (ü)" });
      const date = new Date('2026-12-07T10:11:12Z');
      const headers = {
        'content-type': 'application/json',
        'content-length': String(Buffer.byteLength(body)),
      };

      const ours = signOpenSearchRequest(
        {
          method: 'PUT',
          host,
          path,
          query: 'refresh=wait_for&version=3&version_type=external',
          headers,
          body,
        },
        { region: 'eu-west-1', service, credentials: temporary, date },
      );
      const sdk = (await new SignatureV4({
        credentials: temporary,
        region: 'eu-west-1',
        service,
        sha256: NodeSha256,
        applyChecksum: true,
      }).sign(
        {
          method: 'PUT',
          protocol: 'https:',
          hostname: host,
          path,
          query: { version: '3', version_type: 'external', refresh: 'wait_for' },
          headers: { host, ...headers },
          body,
        } as never,
        { signingDate: date },
      )) as unknown as { headers: Record<string, string> };

      expect(ours['x-amz-content-sha256']).toBe(createHash('sha256').update(body).digest('hex'));
      expect(ours.authorization).toContain(
        'SignedHeaders=content-length;content-type;host;x-amz-content-sha256;x-amz-date;x-amz-security-token,',
      );
      expect(ours.authorization).toBe(sdk.headers.authorization);
      expect(ours['x-amz-security-token']).toBe(temporary.sessionToken);
    },
  );
});
