import type { ValidateFunction } from 'ajv';
import { Ajv2019 } from 'ajv/dist/2019.js';
import addFormatsModule from 'ajv-formats';
import { readOb3Json } from './ob3-data.ts';

/**
 * The official 1EdTech OB 3.0 AchievementCredential JSON Schema, read from the standards data
 * and compiled as the spec says (JSON Schema 2019-09 with formats).
 */
export async function officialValidator(): Promise<ValidateFunction> {
  const schema = await readOb3Json(
    '1edtech-openbadges-specification',
    'schema',
    'json',
    'achievementcredential.json',
  );
  const ajv = new Ajv2019({ allErrors: true, strict: false });
  addFormatsModule.default(ajv);
  return ajv.compile(schema);
}
