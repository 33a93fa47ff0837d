import { readdirSync } from 'node:fs';
import { mkdtemp, rename, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '#shared/core/clock.ts';
import { buildOpenBadgeCredential } from '#shared/credentials/model/build.ts';
import * as source from '#shared/credentials/model/schema-validator.ts';
import { lambdaBuildOptions } from '../../infra/bundling/lambda-build.ts';

/**
 * In a Lambda bundle the Open Badges schema compiler (Ajv) is a chunk loaded on first need
 * (infra/bundling/schema-compiler-on-need.ts). Bundled as the functions bundle it, the schema
 * validator answers a conforming credential without it, asks for it before answering anything
 * else (never a verdict in its place), answers as the sources do once it is loaded, and turns a
 * chunk that cannot be loaded into `PART_UNAVAILABLE`.
 */

type Validator = typeof source;

let outdir = '';

async function bundleValidator(name: string): Promise<{ dir: string; module: Validator }> {
  const dir = join(outdir, name);
  await build({
    ...lambdaBuildOptions({ precompiledOb3Check: true }),
    entryPoints: { validator: 'shared/credentials/model/schema-validator.ts' },
    outdir: dir,
    splitting: true,
    chunkNames: 'chunks/[name]-[hash]',
  });
  return {
    dir,
    module: (await import(pathToFileURL(join(dir, 'validator.mjs')).href)) as Validator,
  };
}

function badge(): Record<string, unknown> {
  return structuredClone(
    buildOpenBadgeCredential(
      {
        id: 'urn:uuid:2f9e1c0a-3b4d-4e5f-8a9b-0c1d2e3f4a5b',
        issuer: { id: 'https://issuer.example.org', name: 'Issuer' },
        recipient: { id: 'did:example:learner' },
        achievement: {
          id: 'https://issuer.example.org/achievements/1',
          name: 'First steps',
          description: 'Took the first steps.',
          criteria: { narrative: 'Show up.' },
          achievementType: 'Badge',
        },
      },
      { clock: fixedClock('2026-01-01T00:00:00Z') },
    ),
  ) as unknown as Record<string, unknown>;
}

/** Credentials the precompiled plain check refuses: each needs the compiler to be explained. */
function failing(): Record<string, unknown>[] {
  const missing = badge();
  delete missing.credentialSubject;
  const mistyped = { ...badge(), validFrom: 42 };
  const singleProof = { ...badge(), proof: { type: 'DataIntegrityProof' } };
  const endorsement = { ...badge(), type: ['VerifiableCredential', 'EndorsementCredential'] };
  return [missing, mistyped, singleProof, endorsement, {}];
}

beforeAll(async () => {
  outdir = await mkdtemp(join(tmpdir(), 'credstack-compiler-on-need-'));
}, 60_000);

afterAll(async () => {
  if (outdir !== '') await rm(outdir, { recursive: true, force: true });
});

describe('the bundled Open Badges schema validator', () => {
  it('answers a conforming credential without loading the compiler', async () => {
    const { module } = await bundleValidator('conforming');

    expect(module.ob3SchemaReady(badge())).toBeUndefined();
    expect(module.validateOb3Schema(badge())).toEqual(source.validateOb3Schema(badge()));
  });

  it('asks for the compiler first, then answers as the sources do', async () => {
    const { module } = await bundleValidator('loading');
    const [first] = failing();

    expect(() => module.validateOb3Schema(first)).toThrow(module.SchemaCompilerNotLoaded);
    const ready = module.ob3SchemaReady(first);

    expect(ready).toBeInstanceOf(Promise);
    await ready;
    expect(module.ob3SchemaReady(first)).toBeUndefined();
    for (const credential of failing())
      expect(module.validateOb3Schema(credential)).toEqual(source.validateOb3Schema(credential));
  });

  it('builds with the compiler loaded on need', async () => {
    const { module } = await bundleValidator('building');
    let runs = 0;
    const answer = await module.withOb3Schema(() => {
      runs += 1;
      return module.validateOb3Schema({});
    });

    expect(runs).toBe(2);
    expect(answer).toEqual(source.validateOb3Schema({}));
  });

  it('is PART_UNAVAILABLE when the chunk cannot be loaded, and tries again later', async () => {
    const { dir, module } = await bundleValidator('missing');
    const chunks = readdirSync(join(dir, 'chunks')).filter((file) => file.endsWith('.mjs'));
    const compiler = chunks.find((file) => file.startsWith('schema-compiler'));

    expect(compiler, chunks.join(', ')).toBeDefined();
    const chunk = join(dir, 'chunks', compiler!);
    await rename(chunk, `${chunk}.away`);
    // The bundle has its own copy of the error class: its code says what it is.
    const code = async () =>
      ((await module.ob3SchemaReady({})?.catch((caught: unknown) => caught)) as { code?: string })
        ?.code;

    expect(await code()).toBe('PART_UNAVAILABLE');
    expect(() => module.validateOb3Schema({})).toThrow(module.SchemaCompilerNotLoaded);
    // The failure is not remembered: once the chunk is back, the next need loads it.
    await rename(`${chunk}.away`, chunk);
    await module.ob3SchemaReady({});
    expect(module.validateOb3Schema({})).toEqual(source.validateOb3Schema({}));
  });
});
