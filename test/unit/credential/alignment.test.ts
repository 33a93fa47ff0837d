import { describe, expect, it } from 'vitest';
import { isCredstackError } from '#shared/core/errors.ts';
import {
  caseAlignment,
  escoAlignment,
  isCaseItemUri,
  onetAlignment,
} from '#shared/credentials/model/alignment.ts';

function codeOf(action: () => unknown): string | undefined {
  try {
    action();
  } catch (error) {
    return isCredstackError(error) ? error.code : 'not a CredstackError';
  }
  return undefined;
}

describe('onetAlignment', () => {
  it('links an O*NET-SOC occupation to its O*NET OnLine summary', () => {
    expect(onetAlignment('15-2051.00', 'Data Scientists')).toEqual({
      type: ['Alignment'],
      targetName: 'Data Scientists',
      targetUrl: 'https://www.onetonline.org/link/summary/15-2051.00',
      targetCode: '15-2051.00',
      targetFramework: 'O*NET-SOC',
    });
  });

  it('carries a description when given', () => {
    expect(
      onetAlignment('15-1252.00', 'Software Developers', 'Develop software.').targetDescription,
    ).toBe('Develop software.');
  });

  it('rejects a code that is not an O*NET-SOC code', () => {
    expect(codeOf(() => onetAlignment('15-2051', 'Data Scientists'))).toBe('BUILD_INVALID');
    expect(codeOf(() => onetAlignment('15-2051.00', '  '))).toBe('BUILD_INVALID');
  });
});

describe('escoAlignment', () => {
  const uri = 'http://data.europa.eu/esco/skill/ccd0a1d9-afda-43d9-b901-96344886e14d';

  it('links an ESCO skill by its concept URI, with the id as code', () => {
    expect(escoAlignment(uri, 'use spreadsheets software')).toEqual({
      type: ['Alignment'],
      targetName: 'use spreadsheets software',
      targetUrl: uri,
      targetCode: 'ccd0a1d9-afda-43d9-b901-96344886e14d',
      targetFramework: 'ESCO',
    });
  });

  it('rejects a URI outside the ESCO concept space', () => {
    expect(codeOf(() => escoAlignment('https://example.org/skill/1', 'x'))).toBe('BUILD_INVALID');
  });
});

describe('caseAlignment', () => {
  const uri = 'https://case.example.org/ims/case/v1p0/CFItems/6b0b3c64-7d0a-4f7c-9a1e-1f2b3c4d5e6f';

  it('builds a CFItem alignment', () => {
    expect(
      caseAlignment({
        uri,
        name: 'Create equations in one variable',
        code: 'HSA.CED.A.1',
        framework: 'Common Core State Standards for Mathematics',
      }),
    ).toEqual({
      type: ['Alignment'],
      targetName: 'Create equations in one variable',
      targetUrl: uri,
      targetCode: 'HSA.CED.A.1',
      targetFramework: 'Common Core State Standards for Mathematics',
      targetType: 'CFItem',
    });
  });

  it('omits the code when none is given', () => {
    expect(caseAlignment({ uri, name: 'N', framework: 'F' })).not.toHaveProperty('targetCode');
  });

  it('rejects a non-http URI and a blank framework', () => {
    expect(codeOf(() => caseAlignment({ uri: 'urn:x:1', name: 'N', framework: 'F' }))).toBe(
      'BUILD_INVALID',
    );
    expect(codeOf(() => caseAlignment({ uri, name: 'N', framework: ' ' }))).toBe('BUILD_INVALID');
  });
});

describe('isCaseItemUri', () => {
  it('recognises the CASE item path', () => {
    expect(isCaseItemUri('https://case.example.org/ims/case/v1p0/CFItems/abc')).toBe(true);
    expect(isCaseItemUri('https://example.org/items/abc')).toBe(false);
  });
});
