import {
  invalid,
  nonEmpty,
  optionalCredits,
  optionalList,
  optionalText,
  requireObject,
  requireText,
  requireUri,
  requireVocabulary,
  stripUndefined,
} from './build-checks.ts';
import type {
  AchievementInput,
  AlignmentInput,
  ResultDescriptionInput,
  ResultInput,
  RubricCriterionLevelInput,
} from './build-input.ts';
import { buildIdentifierEntry, buildImage, buildProfile } from './build-profile.ts';
import {
  ACHIEVEMENT_TYPES,
  ALIGNMENT_TARGET_TYPES,
  RESULT_STATUSES,
  RESULT_TYPES,
} from './constants.ts';
import type {
  Achievement,
  AchievementType,
  Alignment,
  AlignmentTargetType,
  Result,
  ResultDescription,
  ResultType,
  RubricCriterionLevel,
} from './types.ts';
import { pointer } from './values.ts';

/**
 * Converters of the achievement inputs: the achievement with its alignments and result
 * descriptions, and the earner's results, which must point at what the achievement describes.
 */

/** BCP 47 subset the OB schema accepts for `inLanguage`. */
const LANGUAGE = /^[a-z]{2,4}(-[A-Z][a-z]{3})?(-([A-Z]{2}|[0-9]{3}))?$/;

/**
 * An `Alignment`, with `type` completed to include `'Alignment'`.
 *
 * @example
 * buildAlignment({ targetName: 'X', targetUrl: 'https://example.org/x' }, '/achievement/alignment/0');
 */
export function buildAlignment(input: AlignmentInput, path: string): Alignment {
  requireObject(input, path);
  const type = input.type === undefined ? ['Alignment'] : [...input.type];
  if (!type.includes('Alignment')) type.unshift('Alignment');
  return stripUndefined({
    type,
    targetName: requireText(input.targetName, pointer(path, 'targetName')),
    targetUrl: requireUri(input.targetUrl, pointer(path, 'targetUrl')),
    targetCode: optionalText(input.targetCode, pointer(path, 'targetCode')),
    targetDescription: optionalText(input.targetDescription, pointer(path, 'targetDescription')),
    targetFramework: optionalText(input.targetFramework, pointer(path, 'targetFramework')),
    targetType:
      input.targetType === undefined
        ? undefined
        : requireVocabulary<AlignmentTargetType>(
            input.targetType,
            ALIGNMENT_TARGET_TYPES,
            pointer(path, 'targetType'),
          ),
  });
}

function buildAlignments(
  input: readonly AlignmentInput[] | undefined,
  path: string,
): readonly Alignment[] | undefined {
  return nonEmpty(optionalList(input, path).map((a, i) => buildAlignment(a, pointer(path, i))));
}

function buildLevel(input: RubricCriterionLevelInput, path: string): RubricCriterionLevel {
  requireObject(input, path);
  return stripUndefined({
    id: requireUri(input.id, pointer(path, 'id')),
    type: ['RubricCriterionLevel'],
    name: requireText(input.name, pointer(path, 'name')),
    description: optionalText(input.description, pointer(path, 'description')),
    level: optionalText(input.level, pointer(path, 'level')),
    points: optionalText(input.points, pointer(path, 'points')),
    alignment: buildAlignments(input.alignment, pointer(path, 'alignment')),
  });
}

/**
 * A `ResultDescription`; `requiredLevel` must name one of its own rubric levels.
 *
 * @example
 * buildResultDescription({ id: 'urn:uuid:…', name: 'Grade', resultType: 'LetterGrade' }, '/achievement/resultDescription/0');
 */
export function buildResultDescription(
  input: ResultDescriptionInput,
  path: string,
): ResultDescription {
  requireObject(input, path);
  const levelsPath = pointer(path, 'rubricCriterionLevel');
  const levels = optionalList(input.rubricCriterionLevel, levelsPath).map((l, i) =>
    buildLevel(l, pointer(levelsPath, i)),
  );
  const allowed = optionalList(input.allowedValue, pointer(path, 'allowedValue')).map((v, i) =>
    requireText(v, pointer(pointer(path, 'allowedValue'), i)),
  );
  if (input.requiredLevel !== undefined && !levels.some((l) => l.id === input.requiredLevel)) {
    invalid(pointer(path, 'requiredLevel'), 'must be the id of one of its rubricCriterionLevel');
  }
  return stripUndefined({
    id: requireUri(input.id, pointer(path, 'id')),
    type: ['ResultDescription'],
    name: requireText(input.name, pointer(path, 'name')),
    resultType: requireVocabulary<ResultType>(
      input.resultType,
      RESULT_TYPES,
      pointer(path, 'resultType'),
    ),
    allowedValue: nonEmpty(allowed),
    requiredLevel: input.requiredLevel,
    requiredValue: optionalText(input.requiredValue, pointer(path, 'requiredValue')),
    valueMin: optionalText(input.valueMin, pointer(path, 'valueMin')),
    valueMax: optionalText(input.valueMax, pointer(path, 'valueMax')),
    rubricCriterionLevel: nonEmpty(levels),
    alignment: buildAlignments(input.alignment, pointer(path, 'alignment')),
  });
}

/**
 * The `Achievement`. Criteria need a URL (`id`), a narrative, or both.
 *
 * @example
 * buildAchievement({ id: 'https://example.org/a/1', name: 'A', description: 'D', criteria: { narrative: 'N' } }, '/achievement');
 */
export function buildAchievement(input: AchievementInput, path: string): Achievement {
  requireObject(input, path);
  const criteriaPath = pointer(path, 'criteria');
  requireObject(input.criteria, criteriaPath);
  const criteria = stripUndefined({
    id:
      input.criteria.id === undefined
        ? undefined
        : requireUri(input.criteria.id, pointer(criteriaPath, 'id')),
    narrative: optionalText(input.criteria.narrative, pointer(criteriaPath, 'narrative')),
  });
  if (criteria.id === undefined && criteria.narrative === undefined) {
    invalid(criteriaPath, 'needs an id (URL) or a narrative');
  }
  const descriptionsPath = pointer(path, 'resultDescription');
  const descriptions = optionalList(input.resultDescription, descriptionsPath).map((d, i) =>
    buildResultDescription(d, pointer(descriptionsPath, i)),
  );
  const ids = new Set<string>();
  descriptions.forEach((d, i) => {
    if (ids.has(d.id)) invalid(pointer(pointer(descriptionsPath, i), 'id'), 'repeats another id');
    ids.add(d.id);
  });
  const tagPath = pointer(path, 'tag');
  const tags = optionalList(input.tag, tagPath).map((t, i) => requireText(t, pointer(tagPath, i)));
  if (input.inLanguage !== undefined && !LANGUAGE.test(String(input.inLanguage))) {
    invalid(
      pointer(path, 'inLanguage'),
      `${JSON.stringify(input.inLanguage)} is not a BCP 47 code`,
    );
  }
  const others = optionalList(input.otherIdentifier, pointer(path, 'otherIdentifier'));
  return stripUndefined({
    id: requireUri(input.id, pointer(path, 'id')),
    type: ['Achievement'],
    name: requireText(input.name, pointer(path, 'name')),
    description: requireText(input.description, pointer(path, 'description')),
    criteria,
    image: input.image === undefined ? undefined : buildImage(input.image, pointer(path, 'image')),
    achievementType:
      input.achievementType === undefined
        ? undefined
        : requireVocabulary<AchievementType>(
            input.achievementType,
            ACHIEVEMENT_TYPES,
            pointer(path, 'achievementType'),
          ),
    alignment: buildAlignments(input.alignment, pointer(path, 'alignment')),
    resultDescription: nonEmpty(descriptions),
    creditsAvailable: optionalCredits(input.creditsAvailable, pointer(path, 'creditsAvailable')),
    tag: nonEmpty(tags),
    fieldOfStudy: optionalText(input.fieldOfStudy, pointer(path, 'fieldOfStudy')),
    humanCode: optionalText(input.humanCode, pointer(path, 'humanCode')),
    specialization: optionalText(input.specialization, pointer(path, 'specialization')),
    version: optionalText(input.version, pointer(path, 'version')),
    inLanguage: input.inLanguage,
    creator:
      input.creator === undefined
        ? undefined
        : buildProfile(input.creator, pointer(path, 'creator')),
    otherIdentifier: nonEmpty(
      others.map((e, i) => buildIdentifierEntry(e, pointer(pointer(path, 'otherIdentifier'), i))),
    ),
  });
}

/**
 * A `Result`; its `resultDescription` and `achievedLevel` must exist in the achievement.
 *
 * @example
 * buildResult({ resultDescription: 'urn:uuid:…', value: 'A' }, achievement, '/result/0');
 */
export function buildResult(input: ResultInput, achievement: Achievement, path: string): Result {
  requireObject(input, path);
  let description: ResultDescription | undefined;
  if (input.resultDescription !== undefined) {
    description = achievement.resultDescription?.find((d) => d.id === input.resultDescription);
    if (description === undefined) {
      invalid(
        pointer(path, 'resultDescription'),
        'must be the id of a resultDescription of the achievement',
      );
    }
  }
  if (input.achievedLevel !== undefined) {
    const levels = description?.rubricCriterionLevel ?? [];
    if (!levels.some((l) => l.id === input.achievedLevel)) {
      invalid(
        pointer(path, 'achievedLevel'),
        'must be the id of a rubricCriterionLevel of its resultDescription',
      );
    }
  }
  if (
    input.status !== undefined &&
    !(RESULT_STATUSES as readonly string[]).includes(input.status)
  ) {
    invalid(pointer(path, 'status'), `must be one of ${RESULT_STATUSES.join(', ')}`);
  }
  if (
    input.value === undefined &&
    input.status === undefined &&
    input.achievedLevel === undefined
  ) {
    invalid(path, 'needs a value, a status or an achievedLevel');
  }
  return stripUndefined({
    type: ['Result'],
    resultDescription: input.resultDescription,
    achievedLevel: input.achievedLevel,
    status: input.status,
    value: optionalText(input.value, pointer(path, 'value')),
    alignment: buildAlignments(input.alignment, pointer(path, 'alignment')),
  });
}
