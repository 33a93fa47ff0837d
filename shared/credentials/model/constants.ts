/**
 * Fixed identifiers of the Open Badges 3.0 / VC Data Model 2.0 world: context URLs, type
 * names, the official schema references and the base URLs of the alignment frameworks.
 */

/** The VC Data Model 2.0 base context; it must be the first `@context` value. */
export const VC_V2_CONTEXT = 'https://www.w3.org/ns/credentials/v2';

/** The VC Data Model 1.1 base context, still accepted (with a warning) as the 1EdTech validator does. */
export const VC_V1_CONTEXT = 'https://www.w3.org/2018/credentials/v1';

/** The current Open Badges 3.0 context; the builder always emits this one. */
export const OB_CONTEXT = 'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json';

/**
 * Every URL under which an OB 3.0 context has been published. `context.json` is the
 * unversioned alias 3.0.0 credentials (and all VCDM 1.1 ones) use; `context/ob_v3p0.jsonld`
 * is the alias the 1EdTech validator also accepts.
 */
export const OB_CONTEXTS = [
  OB_CONTEXT,
  'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.2.json',
  'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.1.json',
  'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.0.json',
  'https://purl.imsglobal.org/spec/ob/v3p0/context.json',
  'https://purl.imsglobal.org/spec/ob/v3p0/context/ob_v3p0.jsonld',
] as const;

/**
 * The OB extensions context. It, not the OB context, defines the 1EdTech type names below,
 * which is why every spec example that declares a `credentialSchema` lists it third.
 */
export const OB_EXTENSIONS_CONTEXT = 'https://purl.imsglobal.org/spec/ob/v3p0/extensions.json';

/** Type names only the OB extensions context defines. */
export const OB_EXTENSION_TYPES = [
  '1EdTechJsonSchemaValidator2019',
  '1EdTechRevocationList',
  '1EdTechCredentialRefresh',
] as const;

/**
 * True when `url` is one of the published OB 3.0 context URLs.
 *
 * @example
 * isObContext('https://purl.imsglobal.org/spec/ob/v3p0/context.json'); // true
 */
export function isObContext(url: unknown): url is (typeof OB_CONTEXTS)[number] {
  return typeof url === 'string' && (OB_CONTEXTS as readonly string[]).includes(url);
}

/** The `@context` the builder emits, in order (plus the extensions context when needed). */
export const OB_CREDENTIAL_CONTEXT = [VC_V2_CONTEXT, OB_CONTEXT] as const;

/** Credential type values. `AchievementCredential` is an alias of `OpenBadgeCredential`. */
export const VERIFIABLE_CREDENTIAL = 'VerifiableCredential';
export const OPEN_BADGE_CREDENTIAL = 'OpenBadgeCredential';
export const ACHIEVEMENT_CREDENTIAL = 'AchievementCredential';
export const ENDORSEMENT_CREDENTIAL = 'EndorsementCredential';

/** The `type` the builder emits. */
export const OB_CREDENTIAL_TYPE = [VERIFIABLE_CREDENTIAL, OPEN_BADGE_CREDENTIAL] as const;

/** The `credentialSchema.type` 1EdTech defines for its JSON Schemas. */
export const OB_SCHEMA_VALIDATOR_TYPE = '1EdTechJsonSchemaValidator2019';

/** Published id of the official AchievementCredential (OpenBadgeCredential) JSON Schema. */
export const OB_ACHIEVEMENT_CREDENTIAL_SCHEMA_ID =
  'https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json';

/** Published id of the official EndorsementCredential JSON Schema. */
export const OB_ENDORSEMENT_CREDENTIAL_SCHEMA_ID =
  'https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_endorsementcredential_schema.json';

/** The default `credentialSchema` entry of a built OpenBadgeCredential. */
export const OB_CREDENTIAL_SCHEMA = {
  id: OB_ACHIEVEMENT_CREDENTIAL_SCHEMA_ID,
  type: OB_SCHEMA_VALIDATOR_TYPE,
} as const;

/** The closed part of the extensible AchievementType vocabulary (others use an `ext:` prefix). */
export const ACHIEVEMENT_TYPES = [
  'Achievement',
  'ApprenticeshipCertificate',
  'Assessment',
  'Assignment',
  'AssociateDegree',
  'Award',
  'Badge',
  'BachelorDegree',
  'Certificate',
  'CertificateOfCompletion',
  'Certification',
  'CommunityService',
  'Competency',
  'Course',
  'CoCurricular',
  'Degree',
  'Diploma',
  'DoctoralDegree',
  'Fieldwork',
  'GeneralEducationDevelopment',
  'JourneymanCertificate',
  'LearningProgram',
  'License',
  'Membership',
  'ProfessionalDoctorate',
  'QualityAssuranceCredential',
  'MasterCertificate',
  'MasterDegree',
  'MicroCredential',
  'ResearchDoctorate',
  'SecondarySchoolDiploma',
] as const;

/** The closed part of the AlignmentTargetType vocabulary. */
export const ALIGNMENT_TARGET_TYPES = [
  'ceasn:Competency',
  'ceterms:Credential',
  'CFItem',
  'CFRubric',
  'CFRubricCriterion',
  'CFRubricCriterionLevel',
  'CTDL',
] as const;

/** The closed part of the ResultType vocabulary. */
export const RESULT_TYPES = [
  'GradePointAverage',
  'LetterGrade',
  'Percent',
  'PerformanceLevel',
  'PredictedScore',
  'RawScore',
  'Result',
  'RubricCriterion',
  'RubricCriterionLevel',
  'RubricScore',
  'ScaledScore',
  'Status',
] as const;

/** Result.status values (a closed enumeration). */
export const RESULT_STATUSES = [
  'Completed',
  'Enrolled',
  'Failed',
  'InProgress',
  'OnHold',
  'Provisional',
  'Withdrew',
] as const;

/** The closed part of the IdentifierType vocabulary (IdentityObject / IdentifierEntry). */
export const IDENTIFIER_TYPES = [
  'name',
  'sourcedId',
  'systemId',
  'productId',
  'userName',
  'accountId',
  'emailAddress',
  'nationalIdentityNumber',
  'isbn',
  'issn',
  'lisSourcedId',
  'oneRosterSourcedId',
  'sisSourcedId',
  'ltiContextId',
  'ltiDeploymentId',
  'ltiToolId',
  'ltiPlatformId',
  'ltiUserId',
  'identifier',
] as const;

/**
 * How an extension value of an extensible vocabulary is spelled: `ext:` then name characters.
 * Unanchored on purpose: the official schema's pattern is unanchored too, and a verifier
 * stricter than the reference validator would reject credentials it accepts.
 */
export const EXTENSION_VALUE_PATTERN = 'ext:[A-Za-z0-9._|]';

/** O*NET OnLine: occupation summaries are linked as `<base><O*NET-SOC code>`. */
export const ONET_SUMMARY_BASE = 'https://www.onetonline.org/link/summary/';
export const ONET_FRAMEWORK = 'O*NET-SOC';

/** ESCO concept URIs (skills, occupations) live under this base, on plain http. */
export const ESCO_URI_BASE = 'http://data.europa.eu/esco/';
export const ESCO_FRAMEWORK = 'ESCO';

/** CASE (1EdTech Competencies and Academic Standards Exchange) item path of a CASE provider. */
export const CASE_ITEM_PATH = '/ims/case/v1p0/CFItems/';
