/**
 * Ajv standalone code takes each format check from ajv-formats (`require("ajv-formats/dist/
 * formats").fullFormats.date`), which brings every format that module defines (7.5 KB
 * minified) for the two the Open Badges and issuance schemas use. Here `date` and
 * `date-time` come from shared/credentials/model/date-formats.ts instead, which answers as
 * ajv-formats' full checks (test/unit/credential/date-formats.test.ts compares them); any
 * other format keeps ajv-formats'.
 */

const DATE_FORMATS = '#shared/credentials/model/date-formats.ts';
const BINDING = 'credstackDateFormats';
const OWN: Readonly<Record<string, string>> = {
  'fullFormats.date': 'date',
  'fullFormats["date-time"]': 'dateTime',
};
const REQUIRED =
  /require\("ajv-formats\/dist\/formats"\)\.(fullFormats(?:\.date|\["date-time"\]))(?![\w$.[])/g;

/**
 * `code` (Ajv standalone code, ESM, resolved from the repository root) with the `date` and
 * `date-time` checks taken from credstack's own module.
 *
 * @example
 * const source = ownDateFormats(standaloneCode(ajv, validate));
 */
export function ownDateFormats(code: string): string {
  if (code.includes(BINDING)) throw new Error(`${BINDING} is already defined`);
  let replaced = false;
  const out = code.replace(REQUIRED, (_whole, name: string) => {
    replaced = true;
    return `${BINDING}.${OWN[name]}`;
  });
  // An import is hoisted: at the end, it leaves Ajv's "use strict" prologue first.
  return replaced ? `${out}\nimport * as ${BINDING} from ${JSON.stringify(DATE_FORMATS)};\n` : out;
}
