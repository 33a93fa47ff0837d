import { describe, expect, it } from 'vitest';
import { STAGES, stageSettings } from '../../infra/stages.ts';

describe('stageSettings', () => {
  it('returns the named stage', () => {
    expect(stageSettings({ stage: 'prod' })).toEqual(STAGES.prod);
  });

  it('applies the search and CORS overrides from context', () => {
    const stage = stageSettings({
      stage: 'dev',
      search: 'serverless',
      corsOrigins: 'https://a.example.org, https://b.example.org',
    });

    expect(stage.search).toEqual({ kind: 'serverless', domain: STAGES.dev.search.domain });
    expect(stage.corsOrigins).toEqual(['https://a.example.org', 'https://b.example.org']);
  });

  it('refuses a missing or unknown stage, naming the stages', () => {
    expect(() => stageSettings({})).toThrow('-c stage must be one of dev, prod (got undefined)');
    expect(() => stageSettings({ stage: 'staging' })).toThrow(
      '-c stage must be one of dev, prod (got staging)',
    );
  });

  it('refuses an unknown search kind', () => {
    expect(() => stageSettings({ stage: 'dev', search: 'elastic' })).toThrow(
      '-c search must be domain or serverless (got elastic)',
    );
  });
});
