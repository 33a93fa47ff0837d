/**
 * Skill identifiers, one normalisation for the whole service: pathways, search and the
 * crosswalk. An alignment names a framework concept in many spellings (an O*NET OnLine link, an
 * ESCO concept URI, `O*NET-SOC` or `ONET` with a code, a bare SOC code without its suffix); all
 * of them become one canonical form, `<framework>:<code>` — `ONET:15-2051.00`, `ESCO:<uuid>`,
 * `CASE:<item URI>`, and `URL:<targetUrl>` for any other framework identified by its URL.
 */

/** `<framework>:<code>` */
export type SkillKey = string;

/** A skill in canonical form. */
export interface SkillId {
  readonly key: SkillKey;
  readonly framework: string;
  readonly code: string;
  readonly name?: string;
}

const ONET_CODE = /^\d{2}-\d{4}\.\d{2}$/;
const ONET_BARE_CODE = /^\d{2}-\d{4}$/;
const ONET_URL = /^https?:\/\/(?:www\.)?(?:onetonline|onetcenter)\.org\/.*?(\d{2}-\d{4}\.\d{2})\b/i;
const ESCO_URI = /^https?:\/\/data\.europa\.eu\/esco\/[a-z-]+\/([A-Za-z0-9.-]+)$/;
const ESCO_CODE = /^[A-Za-z0-9.-]{1,100}$/;
const ONET_FRAMEWORK_NAME = /^o\*?net(?:[- ]?soc)?(?:[- ]?\d{4})?$/i;
const FRAMEWORK_ALIASES: Readonly<Record<string, string>> = {
  esco: 'ESCO',
  case: 'CASE',
  url: 'URL',
};

/**
 * The key of a framework concept.
 *
 * @example
 * skillKey('ONET', '15-2051.00'); // 'ONET:15-2051.00'
 */
export function skillKey(framework: string, code: string): SkillKey {
  return `${framework}:${code}`;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

function onetCode(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (ONET_CODE.test(value)) return value;
  return ONET_BARE_CODE.test(value) ? `${value}.00` : undefined;
}

function escoCode(value: string): string {
  // ESCO URIs carry lower-case UUIDs; a code typed in capitals names the same concept.
  return /^[0-9A-Fa-f-]{36}$/.test(value) ? value.toLowerCase() : value;
}

/**
 * The skill an OB 3.0 `Alignment` names, or undefined when it names none (no URL and no
 * recognised framework). O*NET is recognised by its framework name or an O*NET OnLine link,
 * ESCO by its concept URI (or framework name and code), CASE by `targetType: CFItem`; anything
 * else is keyed by URL.
 *
 * @example
 * skillFromAlignment(onetAlignment('15-2051.00', 'Data Scientists'));
 * // { key: 'ONET:15-2051.00', framework: 'ONET', code: '15-2051.00', name: 'Data Scientists' }
 */
export function skillFromAlignment(alignment: unknown): SkillId | undefined {
  if (!isObject(alignment)) return undefined;
  const url = text(alignment.targetUrl);
  const code = text(alignment.targetCode);
  const framework = text(alignment.targetFramework);
  const name = text(alignment.targetName);
  const make = (fw: string, id: string): SkillId => ({
    key: skillKey(fw, id),
    framework: fw,
    code: id,
    ...(name === undefined ? {} : { name }),
  });
  const escoFromUrl = url === undefined ? undefined : ESCO_URI.exec(url)?.[1];
  if (escoFromUrl !== undefined) return make('ESCO', escoCode(escoFromUrl));
  const onetFromUrl = url === undefined ? undefined : ONET_URL.exec(url)?.[1];
  if (framework !== undefined && ONET_FRAMEWORK_NAME.test(framework)) {
    const soc = onetCode(code) ?? onetFromUrl;
    if (soc !== undefined) return make('ONET', soc);
  } else if (onetFromUrl !== undefined) {
    return make('ONET', onetFromUrl);
  }
  if (framework?.toUpperCase() === 'ESCO' && code !== undefined && ESCO_CODE.test(code))
    return make('ESCO', escoCode(code));
  if (url === undefined) return undefined;
  if (alignment.targetType === 'CFItem') return make('CASE', url);
  return make('URL', url);
}

/**
 * A skill as a query names it, in canonical key form; undefined when the text is not a skill
 * key. Accepts keys in any case of framework (`onet:15-2051.00`, `O*NET-SOC:15-2051.00`), bare
 * SOC codes without the suffix, ESCO concept URIs and O*NET OnLine links.
 *
 * @example
 * normalizeSkillKey('http://data.europa.eu/esco/skill/598de5b0-5b58-4ea7-8058-a4bc4d18c742');
 * // 'ESCO:598de5b0-5b58-4ea7-8058-a4bc4d18c742'
 */
export function normalizeSkillKey(input: string): SkillKey | undefined {
  const value = input.trim();
  const escoFromUrl = ESCO_URI.exec(value)?.[1];
  if (escoFromUrl !== undefined) return skillKey('ESCO', escoCode(escoFromUrl));
  const onetFromUrl = ONET_URL.exec(value)?.[1];
  if (onetFromUrl !== undefined) return skillKey('ONET', onetFromUrl);
  const colon = value.indexOf(':');
  if (colon <= 0) return undefined;
  const prefix = value.slice(0, colon);
  const code = value.slice(colon + 1).trim();
  if (code === '') return undefined;
  if (ONET_FRAMEWORK_NAME.test(prefix)) {
    const soc = onetCode(code);
    return soc === undefined ? undefined : skillKey('ONET', soc);
  }
  const framework = FRAMEWORK_ALIASES[prefix.toLowerCase()];
  if (framework === 'ESCO')
    return ESCO_CODE.test(code) ? skillKey('ESCO', escoCode(code)) : undefined;
  if (framework === 'CASE' || framework === 'URL')
    return /^[A-Za-z][A-Za-z0-9+.-]*:\S+$/.test(code) ? skillKey(framework, code) : undefined;
  return undefined;
}

// Pathway evaluation asks for the same few spellings over and over: remember the answers, by
// framework then code (no key string built per lookup: this sits in the learner index's loop).
const canonicalCache = new Map<string, Map<string, { framework: string; code: string }>>();
let cachedCount = 0;
const MAX_CACHED = 10_000;

/**
 * A (framework, code) pair as a pathway skill leaf or an alignment names it, in canonical form:
 * `O*NET-SOC`/`ONET`/`onet` with `15-2051` or `15-2051.00` → `ONET`, `15-2051.00`; an ESCO URI or
 * ESCO code → `ESCO`, the lower-cased concept id; an O*NET OnLine link or ESCO URI as the code
 * of any framework → its concept. A pair nothing recognises stays as given (still matching
 * itself exactly).
 *
 * @example
 * canonicalSkill('O*NET-SOC', '15-2051'); // { framework: 'ONET', code: '15-2051.00' }
 */
export function canonicalSkill(
  framework: string,
  code: string,
): { readonly framework: string; readonly code: string } {
  let codes = canonicalCache.get(framework);
  const known = codes?.get(code);
  if (known !== undefined) return known;
  const looksLikeUrl = /^https?:\/\//i.test(code);
  const skill = skillFromAlignment({
    targetFramework: framework,
    targetCode: code,
    ...(looksLikeUrl ? { targetUrl: code } : {}),
  });
  // A URL under a framework neither crosswalk knows is that framework's own identifier.
  const out =
    skill !== undefined && (skill.framework !== 'URL' || framework.toUpperCase() === 'URL')
      ? { framework: skill.framework, code: skill.code }
      : { framework, code };
  if (cachedCount >= MAX_CACHED) {
    canonicalCache.clear();
    cachedCount = 0;
    codes = undefined;
  }
  if (codes === undefined) {
    codes = new Map();
    canonicalCache.set(framework, codes);
  }
  codes.set(code, out);
  cachedCount += 1;
  return out;
}
