import { CredstackError } from '#shared/core/errors.ts';
import {
  CASE_ITEM_PATH,
  ESCO_FRAMEWORK,
  ESCO_URI_BASE,
  ONET_FRAMEWORK,
  ONET_SUMMARY_BASE,
} from './constants.ts';
import type { Alignment } from './types.ts';
import { isUri } from './values.ts';

/**
 * Builders of `Alignment` objects for the frameworks credstack links achievements to.
 * Each validates the framework's identifier shape so a typo fails at build time, not later
 * as a dead link inside a signed credential.
 */

/** O*NET-SOC 2019 codes: `15-2051.00` (major-minor-broad-detailed.suffix). */
const ONET_SOC_CODE = /^\d{2}-\d{4}\.\d{2}$/;

/** ESCO concept URIs: `http://data.europa.eu/esco/<kind>/<uuid or code>`. */
const ESCO_CONCEPT = /^https?:\/\/data\.europa\.eu\/esco\/([a-z-]+)\/([A-Za-z0-9.-]+)$/;

/**
 * An alignment to an O*NET occupation, linked to its O*NET OnLine summary page.
 *
 * @example
 * onetAlignment('15-2051.00', 'Data Scientists');
 * // { type: ['Alignment'], targetName: 'Data Scientists', targetCode: '15-2051.00',
 * //   targetFramework: 'O*NET-SOC', targetUrl: 'https://www.onetonline.org/link/summary/15-2051.00' }
 */
export function onetAlignment(code: string, name: string, description?: string): Alignment {
  if (!ONET_SOC_CODE.test(code)) {
    throw new CredstackError('BUILD_INVALID', `O*NET-SOC code "${code}" is not like 15-2051.00`);
  }
  requireName(name, 'O*NET');
  return {
    type: ['Alignment'],
    targetName: name,
    targetUrl: `${ONET_SUMMARY_BASE}${code}`,
    targetCode: code,
    targetFramework: ONET_FRAMEWORK,
    ...(description === undefined ? {} : { targetDescription: description }),
  };
}

/**
 * An alignment to an ESCO skill (or other ESCO concept) by its concept URI. The last path
 * segment becomes `targetCode`.
 *
 * @example
 * escoAlignment(
 *   'http://data.europa.eu/esco/skill/8f6a1f6d-5bd4-4a7c-9b0e-7d6b8d3b6c0e',
 *   'use spreadsheets software',
 * );
 */
export function escoAlignment(uri: string, name: string, description?: string): Alignment {
  const match = ESCO_CONCEPT.exec(uri);
  if (match === null) {
    throw new CredstackError(
      'BUILD_INVALID',
      `ESCO URI "${uri}" is not a concept URI under ${ESCO_URI_BASE}`,
    );
  }
  requireName(name, 'ESCO');
  return {
    type: ['Alignment'],
    targetName: name,
    targetUrl: uri,
    targetCode: match[2] ?? '',
    targetFramework: ESCO_FRAMEWORK,
    ...(description === undefined ? {} : { targetDescription: description }),
  };
}

/** What {@link caseAlignment} needs to describe a CASE framework item. */
export interface CaseAlignmentInput {
  /** The CFItem URI, usually `https://<provider>/ims/case/v1p0/CFItems/<uuid>`. */
  readonly uri: string;
  /** The item's full statement or abbreviated statement. */
  readonly name: string;
  /** The item's human coding scheme, e.g. `CCSS.MATH.CONTENT.HSA.CED.A.1`. */
  readonly code?: string;
  /** The CFDocument (framework) title. */
  readonly framework: string;
  readonly description?: string;
}

/**
 * An alignment to a CASE framework item (`targetType: 'CFItem'`).
 *
 * @example
 * caseAlignment({
 *   uri: 'https://case.example.org/ims/case/v1p0/CFItems/6b0b3c64-7d0a-4f7c-9a1e-1f2b3c4d5e6f',
 *   name: 'Create equations in one variable',
 *   code: 'HSA.CED.A.1',
 *   framework: 'Common Core State Standards for Mathematics',
 * });
 */
export function caseAlignment(input: CaseAlignmentInput): Alignment {
  if (!isUri(input.uri) || !/^https?:/i.test(input.uri)) {
    throw new CredstackError('BUILD_INVALID', `CASE item URI "${input.uri}" is not an http(s) URL`);
  }
  requireName(input.name, 'CASE');
  if (input.framework.trim() === '') {
    throw new CredstackError('BUILD_INVALID', 'CASE alignment needs the framework title');
  }
  return {
    type: ['Alignment'],
    targetName: input.name,
    targetUrl: input.uri,
    ...(input.code === undefined ? {} : { targetCode: input.code }),
    targetFramework: input.framework,
    targetType: 'CFItem',
    ...(input.description === undefined ? {} : { targetDescription: input.description }),
  };
}

/**
 * True when `uri` has the path CASE providers serve items under.
 *
 * @example
 * isCaseItemUri('https://case.example.org/ims/case/v1p0/CFItems/abc'); // true
 */
export function isCaseItemUri(uri: string): boolean {
  return isUri(uri) && uri.includes(CASE_ITEM_PATH);
}

function requireName(name: string, framework: string): void {
  if (name.trim() === '') {
    throw new CredstackError('BUILD_INVALID', `${framework} alignment needs a target name`);
  }
}
