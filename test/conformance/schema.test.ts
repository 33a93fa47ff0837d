import { readdir } from 'node:fs/promises';
import type { ValidateFunction } from 'ajv';
import { Ajv2019 } from 'ajv/dist/2019.js';
import addFormatsModule from 'ajv-formats';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkCredentialRules, checkVcRules } from '#shared/credentials/model/rules.ts';
import { validateOb3Schema } from '#shared/credentials/model/schema-validator.ts';
import { hasType } from '#shared/credentials/model/values.ts';
import { ob3Path, readOb3Json, readOb3Text } from '#test/support/ob3-data.ts';
import { requireOb3Data } from '#test/support/require-ob3-data.ts';

const W3C_INPUTS = ['w3c', 'vc-data-model-2.0-test-suite-input'] as const;
const OB30_FIXTURES = ['1edtech-validator', 'test-fixtures', 'ob30'] as const;
const SPEC_EXAMPLES = ['1edtech-openbadges-specification', 'examples'] as const;

/**
 * W3C VC 2.0 `*-fail` inputs this suite deliberately leaves to the JSON-LD term check
 * (shared/credentials/jsonld): they are about context processing, not the data model over compact JSON.
 */
const LEFT_TO_JSON_LD = {
  'credential-redef-type-fail.json': 'redefines the protected term VerifiableCredential',
  'credential-redef-type2-fail.json': 'redefines a term an earlier inline context protected',
  'credential-type-unmapped-fail.json': '@vocab: null leaves a type without an IRI',
  'credential-type-mapped-nonurl-fail.json': 'a type maps to something that is not an IRI',
} as const;

/** Each data-model `*-fail` input, with where our VC rules report it. */
const VC_FAILURES: Record<string, string> = {
  'credential-context-combo3-fail.json': '/@context/1',
  'credential-context-combo4-fail.json': '/@context/1',
  'credential-evidence-missing-type-fail.json': '/evidence/type',
  'credential-id-multi-fail.json': '/id',
  'credential-id-nonidentifier-fail.json': '/id',
  'credential-id-not-url-fail.json': '/id',
  'credential-id-subject-multi-fail.json': '/credentialSubject/id',
  'credential-issuer-no-url-fail.json': '/issuer',
  'credential-issuer-null-fail.json': '/issuer',
  'credential-issuer-object-id-no-url-fail.json': '/issuer/id',
  'credential-issuer-object-id-null-fail.json': '/issuer/id',
  'credential-missing-base-context-fail-or-inject.json': '/@context/0',
  'credential-missing-required-type-fail.json': '/type',
  'credential-no-context-fail-or-inject.json': '/@context',
  // Named for the issuer, but what the document lacks is any claim about the subject.
  'credential-no-issuer-fail.json': '/credentialSubject',
  'credential-no-subject-fail.json': '/credentialSubject',
  'credential-no-type-fail.json': '/type',
  'credential-proof-missing-type-fail.json': '/proof/type',
  'credential-refresh-no-type-fail.json': '/refreshService/type',
  'credential-schema-no-id-fail.json': '/credentialSchema/id',
  'credential-schema-no-type-fail.json': '/credentialSchema/type',
  'credential-schema-non-url-id-fail.json': '/credentialSchema/id',
  'credential-status-missing-type-fail.json': '/credentialStatus/type',
  'credential-status-multiple-id-fail.json': '/credentialStatus/id',
  'credential-status-nonurl-id-fail.json': '/credentialStatus/id',
  'credential-status-type-nonurl-fail.json': '/credentialStatus/type',
  'credential-subject-multiple-empty-fail.json': '/credentialSubject/1',
  'credential-subject-no-claims-fail.json': '/credentialSubject',
  'credential-termsofuse-missing-type-fail.json': '/termsOfUse/type',
  'credential-termsofuse-no-type-fail.json': '/termsOfUse/type',
  'credential-validUntil-validFrom-fail.json': '/validUntil',
  'credential-validfrom-invalid-fail.json': '/validFrom',
  'credential-validuntil-invalid-fail.json': '/validUntil',
  'names-and-descriptions/credential-description-extra-prop-en-fail.json': '/description/url',
  'names-and-descriptions/credential-name-extra-prop-en-fail.json': '/name/url',
  'names-and-descriptions/issuer-description-extra-prop-en-fail.json': '/issuer/description/url',
  'names-and-descriptions/issuer-name-extra-prop-en-fail.json': '/issuer/name/url',
};

/**
 * Our verdict on each OB fixture: `valid` (plain-JSON form), `warning` (accepted only in the
 * linked-data form) or `invalid`. `valid` must coincide with the official schema passing.
 */
const SCHEMA_VERDICTS: Record<string, 'valid' | 'warning' | 'invalid'> = {
  // Offline we never load an inline credentialSchema; against our schema it is valid.
  'complete.json': 'valid',
  // An embedded endorsement has no `id`, which both the 1.1 and 2.0 schemas require.
  'complete_v1.json': 'invalid',
  'credential-status-revoked.json': 'warning',
  'endorsement-err-schema-status-refresh.json': 'warning',
  'endorsement-valid.json': 'valid',
  'simple-context-alias.json': 'valid',
  'simple-context-version.json': 'valid',
  'simple-did-key-method.json': 'valid',
  'simple-did-web-method.json': 'warning',
  'simple-eddsa-2022.json': 'warning',
  'simple-err-context.json': 'invalid',
  'simple-err-credential-subject-achievement-result-description-type.json': 'invalid',
  'simple-err-credential-subject-identifier-type.json': 'invalid',
  'simple-err-credential-subject-profile-type.json': 'invalid',
  'simple-err-credential-subject-result-type.json': 'invalid',
  'simple-err-credential-subject-type.json': 'invalid',
  'simple-err-evidence-type.json': 'invalid',
  'simple-err-expired.json': 'valid',
  // Lacks credentialSubject.achievement, so both schemas reject it before any date check.
  'simple-err-issued.json': 'invalid',
  'simple-err-issuer-otheridentifier-type.json': 'invalid',
  'simple-err-issuer-parentorg-type.json': 'invalid',
  'simple-err-issuer-type.json': 'invalid',
  'simple-err-issuer.json': 'invalid',
  'simple-err-proof-method-no-scheme.json': 'valid',
  'simple-err-proof-method-unknown-did-method.json': 'valid',
  'simple-err-proof-method-unknown-scheme.json': 'valid',
  'simple-err-proof-method.json': 'warning',
  'simple-err-proof-value.json': 'valid',
  'simple-err-type.json': 'invalid',
  'simple-multiple-proofs.json': 'valid',
  // Lacks credentialSubject.achievement too.
  'simple-noproof.json': 'invalid',
  'simple.json': 'valid',
  'simple_v1.json': 'warning',
  'bit-string-list/credential-status-revoked.json': 'warning',
  'bit-string-list/credential-status-revoked-blank-nodes.json': 'warning',
  'sd/derivedcredential.json': 'valid',
  'achievementAlignmentCase--01-achievement-alignment-case.json': 'valid',
  'achievementAlignmentCe--01-achievement-alignment-credential-engine.json': 'valid',
  'basicOpenBadgeCredential--01-sample-openbadgecredential.json': 'valid',
  'docformat--01-sample-openbadgecredential-file-contents.json': 'valid',
  'endorsement--01-sample-endorsementcredential.json': 'valid',
  'fullOpenBadge--01-complete-openbadgecredential.json': 'valid',
  'linked-data-proof-ob--01-credential.json': 'valid',
  'linked-data-proof-ob--03-signed-credential.json': 'warning',
  'skillAssertionCase--01-skill-assertion-case.json': 'valid',
  'skillAssertionCtdl--01-skill-assertion-credential-registry.json': 'valid',
};

/** EXPECTED.md's schema / type / context / subject / issuer / evidence failures, as ours decide them. */
const REJECTED = [
  { file: 'simple-err-type.json', check: 'type', path: '/type' },
  { file: 'simple-err-context.json', check: 'context', path: '/@context/0' },
  { file: 'simple-err-issuer.json', check: 'schema', path: '/issuer' },
  {
    file: 'simple-err-credential-subject-type.json',
    check: 'schema',
    path: '/credentialSubject/type',
  },
  {
    file: 'simple-err-credential-subject-identifier-type.json',
    check: 'schema',
    path: '/credentialSubject/identifier/0/type',
  },
  {
    file: 'simple-err-credential-subject-result-type.json',
    check: 'schema',
    path: '/credentialSubject/result/1/type',
  },
  {
    file: 'simple-err-credential-subject-achievement-result-description-type.json',
    check: 'schema',
    path: '/credentialSubject/achievement/resultDescription/2/type',
  },
  {
    file: 'simple-err-credential-subject-profile-type.json',
    check: 'schema',
    path: '/credentialSubject/source/type',
  },
  { file: 'simple-err-evidence-type.json', check: 'schema', path: '/evidence/1/type' },
  { file: 'simple-err-issuer-type.json', check: 'schema', path: '/issuer/type' },
  {
    file: 'simple-err-issuer-parentorg-type.json',
    check: 'schema',
    path: '/issuer/parentOrg/type',
  },
  {
    file: 'simple-err-issuer-otheridentifier-type.json',
    check: 'schema',
    path: '/issuer/otherIdentifier/1/type',
  },
] as const;

/** Fixtures EXPECTED.md calls valid, and those it calls valid with a warning on the context. */
const ACCEPTED = [
  { file: 'simple.json', contextWarning: false },
  { file: 'simple_v1.json', contextWarning: true },
  { file: 'simple-context-alias.json', contextWarning: false },
  { file: 'simple-context-version.json', contextWarning: true },
  { file: 'simple-did-key-method.json', contextWarning: false },
  { file: 'simple-did-web-method.json', contextWarning: false },
  { file: 'simple-eddsa-2022.json', contextWarning: true },
  { file: 'simple-multiple-proofs.json', contextWarning: false },
  { file: 'sd/derivedcredential.json', contextWarning: false },
  { file: 'endorsement-valid.json', contextWarning: false },
] as const;

/** The W3C suite fills these placeholders in before issuing. */
function withDates(text: string): unknown {
  return JSON.parse(
    text
      .replaceAll('"PAST DATE"', '"2020-01-01T00:00:00Z"')
      .replaceAll('"FUTURE DATE"', '"2030-01-01T00:00:00Z"'),
  );
}

async function w3cInputs(): Promise<string[]> {
  const top = (await readdir(ob3Path(...W3C_INPUTS))).filter((f) => f.startsWith('credential-'));
  const names = (await readdir(ob3Path(...W3C_INPUTS, 'names-and-descriptions'))).map(
    (f) => `names-and-descriptions/${f}`,
  );
  return [...top, ...names].sort();
}

interface Fixture {
  readonly name: string;
  readonly credential: Record<string, unknown>;
}

async function obFixtures(): Promise<Fixture[]> {
  const fixtures: Fixture[] = [];
  const top = (await readdir(ob3Path(...OB30_FIXTURES))).filter((f) => f.endsWith('.json'));
  const nested = ['bit-string-list', 'sd'];
  for (const dir of nested) {
    for (const f of await readdir(ob3Path(...OB30_FIXTURES, dir))) {
      if (f.endsWith('.json')) top.push(`${dir}/${f}`);
    }
  }
  for (const name of top) {
    fixtures.push({ name, credential: await readOb3Json(...OB30_FIXTURES, ...name.split('/')) });
  }
  for (const name of await readdir(ob3Path(...SPEC_EXAMPLES))) {
    const credential = await readOb3Json(...SPEC_EXAMPLES, name);
    const ob =
      hasType(credential.type, 'OpenBadgeCredential') ||
      hasType(credential.type, 'AchievementCredential') ||
      hasType(credential.type, 'EndorsementCredential');
    if (ob) fixtures.push({ name, credential });
  }
  return fixtures.sort((a, b) => a.name.localeCompare(b.name));
}

async function officialValidators(): Promise<{
  achievement: ValidateFunction;
  endorsement: ValidateFunction;
}> {
  const ajv = new Ajv2019({ allErrors: true, strict: false });
  addFormatsModule.default(ajv);
  const dir = ['1edtech-openbadges-specification', 'schema', 'json'] as const;
  return {
    achievement: ajv.compile(await readOb3Json(...dir, 'achievementcredential.json')),
    endorsement: ajv.compile(await readOb3Json(...dir, 'endorsementcredential.json')),
  };
}

function ourVerdict(credential: unknown): 'valid' | 'warning' | 'invalid' {
  const result = validateOb3Schema(credential);
  if (!result.ok) return 'invalid';
  return result.warnings.length === 0 ? 'valid' : 'warning';
}

if (requireOb3Data()) {
  describe('checkVcRules on the W3C VC 2.0 test-suite inputs', () => {
    let inputs: string[];
    beforeAll(async () => {
      inputs = await w3cInputs();
    });

    it('covers every -fail input, either here or in the JSON-LD exclusions', () => {
      const failing = inputs.filter((f) => /-fail(-or-inject)?\.json$/.test(f));
      const covered = [...Object.keys(VC_FAILURES), ...Object.keys(LEFT_TO_JSON_LD)].sort();
      expect(failing).toEqual(covered);
    });

    it('accepts every -ok input', async () => {
      const rejected: string[] = [];
      for (const file of inputs.filter((f) => f.endsWith('-ok.json'))) {
        const result = checkVcRules(
          withDates(await readOb3Text(...W3C_INPUTS, ...file.split('/'))),
          {
            requireIssuer: false,
          },
        );
        if (!result.ok) rejected.push(`${file}: ${JSON.stringify(result.problems)}`);
      }
      expect(rejected).toEqual([]);
    });

    it.each(Object.entries(VC_FAILURES))('rejects %s at %s', async (file, path) => {
      const credential = withDates(await readOb3Text(...W3C_INPUTS, ...file.split('/')));
      const result = checkVcRules(credential, { requireIssuer: false });
      expect(result.ok).toBe(false);
      expect(result.problems.map((p) => p.path)).toContain(path);
    });
  });

  describe('validateOb3Schema against the official 1EdTech schema', () => {
    let fixtures: Fixture[];
    let official: Awaited<ReturnType<typeof officialValidators>>;
    beforeAll(async () => {
      [fixtures, official] = await Promise.all([obFixtures(), officialValidators()]);
    });

    it('has a verdict for every OB fixture and example', () => {
      expect(fixtures.map((f) => f.name)).toEqual(
        Object.keys(SCHEMA_VERDICTS).sort((a, b) => a.localeCompare(b)),
      );
    });

    it('accepts in the plain-JSON form exactly what the official schema accepts', () => {
      const disagreements = fixtures.flatMap(({ name, credential }) => {
        const validate = hasType(credential.type, 'EndorsementCredential')
          ? official.endorsement
          : official.achievement;
        const officialOk = validate(credential) === true;
        const oursOk = ourVerdict(credential) === 'valid';
        return officialOk === oursOk ? [] : [`${name}: official ${officialOk}, ours ${oursOk}`];
      });
      expect(disagreements).toEqual([]);
    });

    it('reaches the recorded verdict on each fixture', () => {
      const verdicts = Object.fromEntries(fixtures.map((f) => [f.name, ourVerdict(f.credential)]));
      expect(verdicts).toEqual(SCHEMA_VERDICTS);
    });
  });

  describe('fixtures the 1EdTech validator rejects', () => {
    it.each(REJECTED)(
      'rejects $file at the $check check ($path)',
      async ({ file, check, path }) => {
        const credential = await readOb3Json(...OB30_FIXTURES, file);
        const schema = validateOb3Schema(credential);
        const rules = checkCredentialRules(credential);
        if (check === 'schema') {
          expect(schema.ok).toBe(false);
          expect(schema.errors[0]?.path).toBe(path);
          // The verifier runs context and type before the schema: they must not decide first.
          expect(rules.problems.filter((p) => p.check !== 'rules')).toEqual([]);
        } else {
          expect(rules.problems.find((p) => p.check === check)?.path).toBe(path);
        }
      },
    );
  });

  describe('fixtures the 1EdTech validator accepts', () => {
    it.each(ACCEPTED)(
      'accepts $file (context warning: $contextWarning)',
      async ({ file, contextWarning }) => {
        const credential = await readOb3Json(...OB30_FIXTURES, ...file.split('/'));
        const rules = checkCredentialRules(credential);
        expect(validateOb3Schema(credential).ok).toBe(true);
        expect(rules.problems).toEqual([]);
        expect(rules.warnings.some((w) => w.check === 'context')).toBe(contextWarning);
      },
    );
  });
}
