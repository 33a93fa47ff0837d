import { describe, expect, it } from 'vitest';
import { openSearchTransport } from '#shared/adapters/opensearch/client.ts';

const credentials = async () => ({ accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' });

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
});
