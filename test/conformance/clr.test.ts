import { describe, expect, it } from 'vitest';
import { StaticFetcher } from '#shared/adapters/https/static-fetcher.ts';
import { findUndefinedTerms } from '#shared/credentials/jsonld/term-check.ts';
import { buildClrCredential } from '#shared/credentials/present/clr.ts';
import { createVerifier } from '#shared/credentials/verify/verifier.ts';
import { readOb3Json } from '#test/support/ob3-data.ts';
import { requireOb3Data } from '#test/support/require-ob3-data.ts';

/*
 * The official ClrCredential schema here is the validator's draft-04 copy. Ajv 8 has no
 * draft-04 dialect and ajv-draft-04 is not installed, so the schema is applied by the small
 * interpreter below, which covers every keyword the file uses ($ref, type, required,
 * properties, additionalProperties, items, minItems, enum, oneOf, anyOf, pattern,
 * format: date-time). It is checked against the validator's own CLR fixtures first.
 *
 * That schema is the VCDM 1.1 form of CLR 2.0: it requires `issuanceDate` (VCDM 2.0 has
 * `validFrom`) and types each `verifiableCredential` entry as an object. The spec's own
 * VCDM 2.0 example, and the validator fixture it accepts as valid, differ from it in exactly
 * those `issuanceDate` requirements, so that is the difference a VCDM 2.0 CLR must show.
 */

type Schema = Record<string, unknown>;
// biome-ignore lint/suspicious/noExplicitAny: the tests read deep into the spec's JSON documents
type Json = any;

interface Finding {
  readonly path: string;
  readonly keyword: string;
  readonly detail: string;
}

const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})$/i;

function jsonType(value: unknown): string {
  if (Array.isArray(value)) return 'array';
  if (value === null) return 'null';
  return typeof value;
}

function applySchema(root: Schema, schema: Schema, value: unknown, path: string): Finding[] {
  const findings: Finding[] = [];
  const add = (keyword: string, detail: string, at = path) =>
    findings.push({ path: at, keyword, detail });
  if (typeof schema.$ref === 'string') {
    const name = schema.$ref.replace('#/$defs/', '');
    const target = (root.$defs as Record<string, Schema>)[name];
    if (target === undefined) throw new Error(`unresolved $ref ${schema.$ref}`);
    findings.push(...applySchema(root, target, value, path));
  }
  if (schema.type !== undefined) {
    const types = Array.isArray(schema.type) ? schema.type : [schema.type];
    if (!types.includes(jsonType(value))) {
      add('type', `${jsonType(value)} is not ${types.join('|')}`);
      return findings;
    }
  }
  if (Array.isArray(schema.enum) && !schema.enum.includes(value)) add('enum', String(value));
  if (typeof value === 'string') {
    if (typeof schema.pattern === 'string' && !new RegExp(schema.pattern).test(value)) {
      add('pattern', value);
    }
    if (schema.format === 'date-time' && !DATE_TIME.test(value)) add('format', value);
  }
  if (Array.isArray(value)) {
    if (typeof schema.minItems === 'number' && value.length < schema.minItems)
      add('minItems', `${value.length}`);
    if (schema.items !== undefined) {
      value.forEach((item, i) => {
        findings.push(...applySchema(root, schema.items as Schema, item, `${path}/${i}`));
      });
    }
  }
  if (jsonType(value) === 'object') {
    const object = value as Record<string, unknown>;
    for (const name of (schema.required as string[] | undefined) ?? []) {
      if (!(name in object)) add('required', name);
    }
    const properties = (schema.properties as Record<string, Schema> | undefined) ?? {};
    for (const [name, child] of Object.entries(object)) {
      if (name in properties)
        findings.push(...applySchema(root, properties[name]!, child, `${path}/${name}`));
      else if (schema.additionalProperties === false) add('additionalProperties', name);
    }
  }
  if (Array.isArray(schema.oneOf)) {
    const passing = schema.oneOf.filter((sub) => applySchema(root, sub, value, path).length === 0);
    if (passing.length !== 1) add('oneOf', `${passing.length} branches match`);
  }
  if (Array.isArray(schema.anyOf)) {
    if (!schema.anyOf.some((sub) => applySchema(root, sub, value, path).length === 0))
      add('anyOf', 'no branch matches');
  }
  return findings;
}

const ISSUANCE_DATE_ONLY = (paths: readonly string[]): Finding[] =>
  paths.map((path) => ({ path, keyword: 'required', detail: 'issuanceDate' }));

async function clrSchema(): Promise<Schema> {
  return readOb3Json(
    '1edtech-validator',
    'schema-draft4',
    'clr_v2p0_clrcredential_schema_draft4.json',
  );
}

async function specExample(): Promise<Record<string, Json>> {
  return readOb3Json(
    '1edtech-openbadges-specification',
    'examples',
    'linked-data-proof-clr--01-credential.json',
  );
}

async function buildFromExample(): Promise<{
  example: Record<string, Json>;
  built: Record<string, Json>;
}> {
  const example = await specExample();
  const built = buildClrCredential({
    id: example.id,
    issuer: { id: example.issuer.id, name: example.issuer.name },
    learner: { id: example.credentialSubject.id },
    credentials: example.credentialSubject.verifiableCredential.map(
      (signed: Record<string, unknown>) => ({ signed }),
    ),
    validFrom: example.validFrom,
    name: example.name,
  });
  return { example, built };
}

if (requireOb3Data()) {
  describe('the draft-04 ClrCredential schema, as applied here', () => {
    it.each(['complex.json', 'simple_v1.json'])(
      'passes the validator fixture %s (VCDM 1.1)',
      async (name) => {
        const schema = await clrSchema();
        const fixture = await readOb3Json('1edtech-validator', 'test-fixtures', 'clr20', name);

        expect(applySchema(schema, schema, fixture, '')).toEqual([]);
      },
    );

    it('finds only issuanceDate missing in the VCDM 2.0 fixture the validator accepts', async () => {
      const schema = await clrSchema();
      const fixture = await readOb3Json(
        '1edtech-validator',
        'test-fixtures',
        'clr20',
        'simple.json',
      );

      expect(applySchema(schema, schema, fixture, '')).toEqual(
        ISSUANCE_DATE_ONLY(['', '/credentialSubject/verifiableCredential/0']),
      );
    });

    it('finds only issuanceDate missing in the VCDM 2.0 example of the spec', async () => {
      const schema = await clrSchema();

      expect(applySchema(schema, schema, await specExample(), '')).toEqual(
        ISSUANCE_DATE_ONLY(['', '/credentialSubject/verifiableCredential/0']),
      );
    });

    it('reports a wrong associationType, a foreign identifier property and an empty list', async () => {
      const schema = await clrSchema();
      const example = await specExample();
      example.issuanceDate = example.validFrom;
      example.credentialSubject.verifiableCredential = [];
      example.credentialSubject.association[0].associationType = 'isCousinOf';
      example.credentialSubject.identifier = [
        {
          type: 'IdentityObject',
          hashed: false,
          identityHash: 'a',
          identityType: 'emailAddress',
          extra: 1,
        },
      ];

      expect(applySchema(schema, schema, example, '')).toEqual([
        { path: '/credentialSubject/verifiableCredential', keyword: 'minItems', detail: '0' },
        {
          path: '/credentialSubject/association/0/associationType',
          keyword: 'enum',
          detail: 'isCousinOf',
        },
        {
          path: '/credentialSubject/identifier/0',
          keyword: 'additionalProperties',
          detail: 'extra',
        },
      ]);
    });
  });

  describe('buildClrCredential against CLR 2.0', () => {
    it('meets the official ClrCredential schema but for the VCDM 1.1 issuanceDate', async () => {
      const schema = await clrSchema();
      const { built } = await buildFromExample();

      expect(applySchema(schema, schema, built, '')).toEqual(
        ISSUANCE_DATE_ONLY(['', '/credentialSubject/verifiableCredential/0']),
      );
    });

    it('has the shape of the spec example built from the same credential', async () => {
      const { example, built } = await buildFromExample();

      expect(built['@context']).toEqual(example['@context']);
      expect(Object.keys(built).sort()).toEqual(Object.keys(example).sort());
      expect([built.id, built.type, built.validFrom, built.name]).toEqual([
        example.id,
        example.type,
        example.validFrom,
        example.name,
      ]);
      expect([built.issuer.id, built.issuer.name]).toEqual([
        example.issuer.id,
        example.issuer.name,
      ]);
      expect(built.credentialSubject.id).toBe(example.credentialSubject.id);
      expect(built.credentialSubject.verifiableCredential).toEqual(
        example.credentialSubject.verifiableCredential,
      );
      expect(built.credentialSubject.achievement).toEqual([
        example.credentialSubject.achievement[0],
      ]);
      expect(built.credentialSchema).toEqual(example.credentialSchema);
    });

    it('uses only terms the CLR 2.0.1 and OB 3.0.3 contexts define (the vendored context)', async () => {
      const { built } = await buildFromExample();

      expect(await findUndefinedTerms(built)).toEqual([]);
    });

    it('embeds every credential as an object, as the fixture does, and refuses a compact JWS', async () => {
      const schema = await clrSchema();
      const example = await specExample();
      const fixture = await readOb3Json<Json>(
        '1edtech-validator',
        'test-fixtures',
        'clr20',
        'simple.json',
      );
      const { built } = await buildFromExample();
      const jws = [
        '{"alg":"EdDSA"}',
        JSON.stringify(example.credentialSubject.verifiableCredential[0]),
      ]
        .map((part) => Buffer.from(part).toString('base64url'))
        .concat('c2ln')
        .join('.');
      const itemSchema = (schema.$defs as Record<string, Schema>).VerifiableCredential!;

      expect(
        built.credentialSubject.verifiableCredential.map((entry: unknown) => typeof entry),
      ).toEqual(
        fixture.credentialSubject.verifiableCredential.map((entry: unknown) => typeof entry),
      );
      expect(applySchema(schema, itemSchema, jws, '')).toEqual([
        { path: '', keyword: 'type', detail: 'string is not object' },
      ]);
      expect(() =>
        buildClrCredential({
          id: example.id,
          issuer: example.issuer,
          learner: { id: example.credentialSubject.id },
          credentials: [{ signed: jws }],
          validFrom: example.validFrom,
        }),
      ).toThrow('is a compact JWS; a CLR embeds each credential as an object');
    });
  });

  describe('verifying CLR 2.0 records', () => {
    const verifier = createVerifier({ fetcher: new StaticFetcher(new Map()) });

    it.each([
      [
        'the validator fixture clr20/simple.json',
        ['1edtech-validator', 'test-fixtures', 'clr20', 'simple.json'],
      ],
      [
        'the signed example of the spec',
        [
          '1edtech-openbadges-specification',
          'examples',
          'linked-data-proof-clr--04-signed-credential.json',
        ],
      ],
    ])('verifies %s and each credential in it', async (_name, path) => {
      const record = await readOb3Json<Json>(...path);

      const report = await verifier.verify(record);

      expect([report.verdict, report.input.proof]).toEqual(['valid', 'eddsa-rdfc-2022']);
      expect(report.checks.filter((check) => check.id === 'credentials')).toEqual([
        {
          id: 'credentials',
          outcome: 'passed',
          reason: `credential 1 (${record.credentialSubject.verifiableCredential[0].id}) verified`,
        },
      ]);
      expect(report.credentials?.map((held) => [held.verdict, held.input.proof])).toEqual([
        ['valid', 'eddsa-rdfc-2022'],
      ]);
    });

    it('fails a record without a ClrSubject credential list at the schema check', async () => {
      const record = await readOb3Json<Json>(
        '1edtech-validator',
        'test-fixtures',
        'clr20',
        'simple.json',
      );
      delete record.credentialSubject.verifiableCredential;

      const report = await verifier.verify(record);

      expect(report.decidingCheck).toBe('schema');
      expect(report.checks.find((check) => check.id === 'schema')?.reason).toBe(
        'the ClrCredential lacks properties CLR 2.0 requires: /credentialSubject/verifiableCredential',
      );
    });
  });
}
