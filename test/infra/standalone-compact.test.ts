import { describe, expect, it } from 'vitest';
import { compactStandaloneCode } from '../../infra/bundling/standalone-compact.ts';
import { ownDateFormats } from '../../infra/bundling/standalone-formats.ts';

/**
 * The compaction of Ajv standalone code (infra/bundling/standalone-compact.ts) rewrites only
 * what it recognises: error literals of Ajv's four properties (and a message) and the schema
 * paths in their parameters. test/conformance/ob3-standalone.test.ts and
 * standalone-validators.test.ts check the bundled validators still answer, errors included,
 * as Ajv's compiled ones.
 */

const SCHEMAS =
  'const schema1 = {"properties":{"a":{"enum":["x","y"],"description":"a {brace}"}}};' +
  'const schema2 = {"type":["string","object"]};';

describe('compactStandaloneCode', () => {
  it('turns error literals into calls building the same object and drops unread schemas', () => {
    const code = `${SCHEMAS}function validate0(data, {instancePath=""}={}){if(data !== 1){validate0.errors = [{instancePath:instancePath+"/a",schemaPath:"#/properties/a/enum",keyword:"enum",params:{allowedValues: schema1.properties["a"].enum}}];return false;}validate0.errors = null;return true;}`;
    const compact = compactStandaloneCode(code);

    expect(compact).not.toContain('schema1');
    expect(compact).not.toContain('schema2');
    expect(compact).toContain(
      'leanErrorObject(instancePath+"/a","#/properties/a/enum","enum",{allowedValues: ["x","y"]})',
    );
    const validate = new Function(`${compact}; return validate0;`)() as ((
      data: unknown,
    ) => boolean) & {
      errors: unknown;
    };
    expect(validate(2)).toBe(false);
    expect(validate.errors).toEqual([
      {
        instancePath: '/a',
        schemaPath: '#/properties/a/enum',
        keyword: 'enum',
        params: { allowedValues: ['x', 'y'] },
      },
    ]);
  });

  it('leaves other object literals and schemas still read as they are', () => {
    const code = `${SCHEMAS}function validate0(data, {instancePath=""}={}){validate1(data, {instancePath:instancePath+"/b",parentData:data});const t = schema2.type;return [{instancePath,schemaPath:"#/x",keyword:"k",params:{},message:"m",schema:schema2.type}];}`;
    const compact = compactStandaloneCode(code);

    expect(compact).toContain('{instancePath:instancePath+"/b",parentData:data}');
    expect(compact).toContain(
      '{instancePath,schemaPath:"#/x",keyword:"k",params:{},message:"m",schema:schema2.type}',
    );
    expect(compact).toContain('const schema2 = ');
  });

  it('keeps the message of errors that carry one', () => {
    const code =
      'function validate0(data, {instancePath=""}={}){validate0.errors = [{instancePath,schemaPath:"#/type",keyword:"type",params:{type: "string"},message:"must be " + "string"}];return false;}';
    const compact = compactStandaloneCode(code);
    const validate = new Function(`${compact}; return validate0;`)() as ((
      data: unknown,
    ) => boolean) & { errors: unknown };

    expect(compact).not.toContain('[{instancePath');
    expect(validate(1)).toBe(false);
    expect(validate.errors).toStrictEqual([
      {
        instancePath: '',
        schemaPath: '#/type',
        keyword: 'type',
        params: { type: 'string' },
        message: 'must be string',
      },
    ]);
  });

  it('drops the records of evaluated properties that nothing reads', () => {
    const code =
      'function validate3(data){let errors = 0;const evaluated0 = validate3.evaluated;if(evaluated0.dynamicProps){evaluated0.props = undefined;}if(evaluated0.dynamicItems){evaluated0.items = undefined;}const props0 = {};evaluated0.props = props0;return errors === 0;}validate3.evaluated = {"props":{"id":true},"dynamicProps":true,"dynamicItems":false};';
    const compact = compactStandaloneCode(code);

    expect(compact).not.toContain('evaluated');
    expect(new Function(`${compact}; return validate3;`)()({})).toBe(true);
  });

  it('keeps every record of evaluated properties when the code reads one', () => {
    const code =
      'function validate3(data){const evaluated0 = validate3.evaluated;if(evaluated0.dynamicProps){evaluated0.props = undefined;}if(evaluated0.dynamicItems){evaluated0.items = undefined;}return validate5.evaluated.props === true;}validate3.evaluated = {"dynamicProps":false,"dynamicItems":false};';

    expect(compactStandaloneCode(code)).toContain(code);
  });

  it('refuses code that already defines its error function', () => {
    expect(() => compactStandaloneCode('function leanErrorObject(){}')).toThrow(/already defined/);
  });
});

describe('ownDateFormats', () => {
  it("takes date and date-time from credstack's module and every other format from ajv-formats", () => {
    const code =
      'const formats0 = require("ajv-formats/dist/formats").fullFormats.date;' +
      'const formats2 = require("ajv-formats/dist/formats").fullFormats["date-time"];' +
      'const formats4 = require("ajv-formats/dist/formats").fullFormats.uri;' +
      'const formats6 = require("ajv-formats/dist/formats").fullFormats["date-time-x"];';
    const own = ownDateFormats(code);

    expect(own).toContain('const formats0 = credstackDateFormats.date;');
    expect(own).toContain('const formats2 = credstackDateFormats.dateTime;');
    expect(own).toContain('const formats4 = require("ajv-formats/dist/formats").fullFormats.uri;');
    expect(own).toContain('fullFormats["date-time-x"]');
    expect(own).toContain(
      'import * as credstackDateFormats from "#shared/credentials/model/date-formats.ts";',
    );
  });

  it('leaves code without those formats as it is', () => {
    const code = 'const formats4 = require("ajv-formats/dist/formats").fullFormats.uri;';

    expect(ownDateFormats(code)).toBe(code);
  });
});
