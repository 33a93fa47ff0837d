import fc from 'fast-check';
import {
  caseAlignment,
  escoAlignment,
  onetAlignment,
} from '#shared/credentials/model/alignment.ts';
import type {
  AchievementInput,
  AlignmentInput,
  BuildCredentialInput,
  EvidenceInput,
  ProfileInput,
  RecipientInput,
  ResultDescriptionInput,
  ResultInput,
} from '#shared/credentials/model/build-input.ts';
import {
  ACHIEVEMENT_TYPES,
  ALIGNMENT_TARGET_TYPES,
  RESULT_STATUSES,
  RESULT_TYPES,
} from '#shared/credentials/model/constants.ts';

/**
 * fast-check generators of valid {@link BuildCredentialInput}s, for property tests of the
 * builder and of anything downstream of it (signing, baking, verification).
 */

const optional = <T>(arb: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> =>
  fc.option(arb, { nil: undefined, freq: 2 });

/** Non-blank display text. */
export const textArb: fc.Arbitrary<string> = fc
  .string({ minLength: 1, maxLength: 40 })
  .filter((s) => s.trim() !== '');

/** https URLs without user info or ports. */
export const httpsUrlArb: fc.Arbitrary<string> = fc.webUrl({ validSchemes: ['https'] });

export const didArb: fc.Arbitrary<string> = fc
  .stringMatching(/^[0-9a-f]{16,32}$/)
  .map((hex) => `did:example:${hex}`);

export const urnUuidArb: fc.Arbitrary<string> = fc.uuid().map((u) => `urn:uuid:${u}`);

/** Any identifier the model allows where it says URI. */
export const uriArb: fc.Arbitrary<string> = fc.oneof(httpsUrlArb, didArb, urnUuidArb);

const extensionArb = fc
  .stringMatching(/^[A-Za-z][A-Za-z0-9]{0,11}$/)
  .map((s) => `ext:${s}` as const);

/** Instants between 2000 and 2090, whole seconds. */
export const instantArb: fc.Arbitrary<Date> = fc
  .integer({ min: Date.UTC(2000, 0, 1) / 1000, max: Date.UTC(2090, 0, 1) / 1000 })
  .map((s) => new Date(s * 1000));

const imageArb = fc.oneof(
  httpsUrlArb,
  fc.record({ id: httpsUrlArb, caption: optional(textArb) }, { requiredKeys: ['id'] }),
);

export const profileInputArb: fc.Arbitrary<ProfileInput> = fc.record(
  {
    id: fc.oneof(httpsUrlArb, didArb),
    name: textArb,
    url: httpsUrlArb,
    email: fc.emailAddress(),
    phone: fc.stringMatching(/^\+[1-9][0-9]{7,12}$/),
    description: textArb,
    image: imageArb,
    otherIdentifier: fc.array(
      fc.record({
        identifier: textArb,
        identifierType: fc.constantFrom(
          'sourcedId' as const,
          'systemId' as const,
          'ext:ror' as const,
        ),
      }),
      { minLength: 1, maxLength: 2 },
    ),
  },
  { requiredKeys: ['id', 'name'] },
);

export const alignmentInputArb: fc.Arbitrary<AlignmentInput> = fc.oneof(
  fc
    .tuple(fc.stringMatching(/^[0-9]{2}-[0-9]{4}\.[0-9]{2}$/), textArb)
    .map(([code, name]) => onetAlignment(code, name)),
  fc
    .tuple(fc.uuid(), textArb)
    .map(([uuid, name]) => escoAlignment(`http://data.europa.eu/esco/skill/${uuid}`, name)),
  fc
    .tuple(fc.uuid(), textArb, optional(fc.stringMatching(/^[A-Z]{2,4}\.[0-9]{1,2}$/)), textArb)
    .map(([uuid, name, code, framework]) =>
      caseAlignment({
        uri: `https://case.example.org/ims/case/v1p0/CFItems/${uuid}`,
        name,
        code,
        framework,
      }),
    ),
  fc.record(
    {
      targetName: textArb,
      targetUrl: uriArb,
      targetCode: textArb,
      targetDescription: textArb,
      targetFramework: textArb,
      targetType: fc.oneof(fc.constantFrom(...ALIGNMENT_TARGET_TYPES), extensionArb),
    },
    { requiredKeys: ['targetName', 'targetUrl'] },
  ),
);

const resultDescriptionArb: fc.Arbitrary<ResultDescriptionInput> = fc
  .record({
    id: urnUuidArb,
    name: textArb,
    resultType: fc.oneof(fc.constantFrom(...RESULT_TYPES), extensionArb),
    allowedValue: optional(fc.array(textArb, { minLength: 1, maxLength: 4 })),
    levels: fc.uniqueArray(
      fc.record({ id: urnUuidArb, name: textArb, points: optional(fc.nat(10).map(String)) }),
      {
        maxLength: 3,
        selector: (l) => l.id,
      },
    ),
    alignment: optional(fc.array(alignmentInputArb, { minLength: 1, maxLength: 2 })),
  })
  .map(({ levels, allowedValue, alignment, ...rest }) => ({
    ...rest,
    ...(allowedValue === undefined ? {} : { allowedValue }),
    ...(alignment === undefined ? {} : { alignment }),
    ...(levels.length === 0 ? {} : { rubricCriterionLevel: levels, requiredLevel: levels[0]?.id }),
  }));

export const achievementInputArb: fc.Arbitrary<AchievementInput> = fc.record(
  {
    id: fc.oneof(httpsUrlArb, urnUuidArb),
    name: textArb,
    description: textArb,
    criteria: fc.oneof(
      fc.record({ narrative: textArb }),
      fc.record({ id: httpsUrlArb }),
      fc.record({ id: httpsUrlArb, narrative: textArb }),
    ),
    image: imageArb,
    achievementType: fc.oneof(fc.constantFrom(...ACHIEVEMENT_TYPES), extensionArb),
    alignment: fc.array(alignmentInputArb, { minLength: 1, maxLength: 3 }),
    resultDescription: fc.uniqueArray(resultDescriptionArb, {
      minLength: 1,
      maxLength: 3,
      selector: (d) => d.id,
    }),
    creditsAvailable: fc.double({ min: 0, max: 240, noNaN: true }),
    tag: fc.array(textArb, { minLength: 1, maxLength: 4 }),
    fieldOfStudy: textArb,
    humanCode: textArb,
    version: textArb,
    inLanguage: fc.constantFrom('en', 'fr', 'pt-BR', 'zh-Hant-TW'),
    creator: profileInputArb,
  },
  { requiredKeys: ['id', 'name', 'description', 'criteria'] },
);

/** Results that point at the achievement's own result descriptions and levels. */
function resultsFor(achievement: AchievementInput): fc.Arbitrary<ResultInput[]> {
  const descriptions = achievement.resultDescription ?? [];
  if (descriptions.length === 0) return fc.constant([]);
  return fc
    .array(
      fc.constantFrom(...descriptions).chain((description) =>
        fc.record(
          {
            resultDescription: fc.constant(description.id),
            value: textArb,
            status: fc.constantFrom(...RESULT_STATUSES),
            achievedLevel:
              description.rubricCriterionLevel === undefined
                ? fc.constant(undefined)
                : fc.constantFrom(...description.rubricCriterionLevel.map((l) => l.id)),
          },
          { requiredKeys: ['resultDescription', 'value'] },
        ),
      ),
      { maxLength: 3 },
    )
    .map((results) =>
      results.map(
        (r) =>
          Object.fromEntries(Object.entries(r).filter(([, v]) => v !== undefined)) as ResultInput,
      ),
    );
}

function statusEntry(list: string, index: number, bitstring: boolean): Record<string, unknown> {
  if (!bitstring) return { id: list, type: '1EdTechRevocationList' };
  return {
    id: `${list}#${index}`,
    type: 'BitstringStatusListEntry',
    statusPurpose: 'revocation',
    statusListIndex: String(index),
    statusListCredential: list,
  };
}

export const recipientInputArb: fc.Arbitrary<RecipientInput> = fc.oneof(
  fc.record({ id: didArb }),
  fc.record(
    { email: fc.emailAddress(), salt: optional(fc.stringMatching(/^[0-9a-f]{8,32}$/)) },
    { requiredKeys: ['email'] },
  ),
  fc.record({ id: fc.oneof(didArb, httpsUrlArb), email: fc.emailAddress() }),
);

const evidenceArb: fc.Arbitrary<EvidenceInput> = fc.oneof(
  fc.record(
    { id: httpsUrlArb, name: optional(textArb), genre: optional(textArb) },
    { requiredKeys: ['id'] },
  ),
  fc.record({ narrative: textArb, audience: optional(textArb) }, { requiredKeys: ['narrative'] }),
);

/**
 * A complete, valid build input: every optional part appears in some runs.
 *
 * @example
 * fc.assert(fc.property(buildInputArb, (input) => { buildOpenBadgeCredential(input); }));
 */
export const buildInputArb: fc.Arbitrary<BuildCredentialInput> = fc
  .record({
    achievement: achievementInputArb,
    issuer: profileInputArb,
    recipient: recipientInputArb,
    id: optional(fc.oneof(urnUuidArb, httpsUrlArb)),
    name: optional(textArb),
    image: optional(imageArb),
    validFrom: instantArb,
    lifetimeDays: optional(fc.integer({ min: 0, max: 3650 })),
    awardedDate: optional(instantArb),
    creditsEarned: optional(fc.integer({ min: 0, max: 120 })),
    evidence: optional(fc.array(evidenceArb, { minLength: 1, maxLength: 3 })),
    role: optional(textArb),
    term: optional(textArb),
    status: optional(fc.tuple(httpsUrlArb, fc.nat(131071), fc.boolean())),
    declareSchema: fc.boolean(),
  })
  .chain((base) => resultsFor(base.achievement).map((result) => ({ base, result })))
  .map(({ base, result }) => {
    const { lifetimeDays, status, validFrom, declareSchema, ...rest } = base;
    const input: Record<string, unknown> = {
      ...rest,
      validFrom,
      ...(lifetimeDays === undefined
        ? {}
        : { validUntil: new Date(validFrom.getTime() + lifetimeDays * 86_400_000) }),
      ...(result.length === 0 ? {} : { result }),
      // Without a declared schema and with a bitstring status, no 1EdTech type is used and the
      // builder must leave the extensions context out.
      ...(declareSchema ? {} : { credentialSchema: [] }),
      ...(status === undefined ? {} : { credentialStatus: statusEntry(...status) }),
    };
    return Object.fromEntries(
      Object.entries(input).filter(([, v]) => v !== undefined),
    ) as unknown as BuildCredentialInput;
  });
