import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ValidateFunction } from 'ajv';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { achievementCredentialSchema } from '#shared/credentials/model/ob3-schema.ts';
import { createAjv } from '#shared/credentials/model/schema-compiler.ts';
import { ob3DataDir } from '#test/support/ob3-data.ts';
import { requireOb3Data } from '#test/support/require-ob3-data.ts';
import { lambdaBuildOptions } from '../../infra/bundling/lambda-build.ts';

/**
 * The Lambda bundles validate plain OB 3.0 achievement credentials with Ajv standalone code
 * emitted at bundle time (infra/bundling/ob3-standalone.ts) instead of compiling the schema at
 * run time. The generated validator, bundled as the functions bundle it, must give the very
 * answer Ajv's compiled one gives: on every JSON document of the standards data and on
 * variants of each credential with one property removed or mistyped.
 */

let outdir = '';
let standalone: ValidateFunction;
let compiled: ValidateFunction;
let explaining: ValidateFunction;

function jsonDocuments(dir: string): unknown[] {
  const documents: unknown[] = [];
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.json')) continue;
    try {
      documents.push(JSON.parse(readFileSync(join(entry.parentPath, entry.name), 'utf8')));
    } catch {
      // Not JSON (some fixtures are deliberately broken): nothing to validate.
    }
  }
  return documents;
}

function variants(document: unknown): unknown[] {
  if (typeof document !== 'object' || document === null || Array.isArray(document)) return [];
  const out: unknown[] = [];
  for (const key of Object.keys(document)) {
    const { [key]: removed, ...rest } = document as Record<string, unknown>;
    out.push(rest, { ...rest, [key]: 42 }, { ...rest, [key]: [removed, removed] });
  }
  return out;
}

if (requireOb3Data()) {
  beforeAll(async () => {
    outdir = await mkdtemp(join(tmpdir(), 'credstack-ob3-standalone-'));
    await build({
      ...lambdaBuildOptions({ precompiledOb3Check: true }),
      entryPoints: { precompiled: 'shared/credentials/model/ob3-precompiled.ts' },
      outdir,
    });
    const module = (await import(pathToFileURL(join(outdir, 'precompiled.mjs')).href)) as {
      precompiledPlainAchievementCheck?: ValidateFunction;
    };
    standalone = module.precompiledPlainAchievementCheck!;
    compiled = createAjv(false).compile(achievementCredentialSchema('plain'));
    explaining = createAjv(true).compile(achievementCredentialSchema('plain'));
  });

  afterAll(async () => {
    if (outdir !== '') await rm(outdir, { recursive: true, force: true });
  });

  describe('the bundled standalone OB 3.0 validator', () => {
    it('is generated into the bundle', () => {
      expect(typeof standalone).toBe('function');
    });

    it("answers as Ajv's compiled validator on the standards data and its variants", () => {
      const documents = jsonDocuments(ob3DataDir).flatMap((doc) => [doc, ...variants(doc)]);
      let valid = 0;
      for (const document of documents) {
        const expected = compiled(document);
        const expectedErrors = compiled.errors;

        expect(standalone(document)).toBe(expected);
        expect(standalone.errors).toEqual(expectedErrors);
        // The lean options (shared $ref functions, no messages) change no verdict: the
        // verbose validator, compiled with Ajv's defaults for both, answers the same.
        expect(explaining(document)).toBe(expected);
        if (expected) valid += 1;
      }
      // Both verdicts are exercised, many times over.
      expect(valid).toBeGreaterThan(10);
      expect(documents.length - valid).toBeGreaterThan(1000);
    });
  });
}
