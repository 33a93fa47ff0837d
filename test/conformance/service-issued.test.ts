import { describe, expect, it } from 'vitest';
import {
  credentialFromJwtPayload,
  decodeCompactJws,
} from '#shared/credentials/proof/vc-jwt-verify.ts';
import { officialValidator } from '#test/support/official-schema.ts';
import { requireOb3Data } from '#test/support/require-ob3-data.ts';
import { useService } from '#test/support/service-harness.ts';

/**
 * What the issuer service issues — in both proof formats — passes the official 1EdTech
 * Open Badges 3.0 JSON Schema.
 */

if (requireOb3Data()) {
  const service = useService();

  describe('credentials issued by the service', () => {
    it('pass the official OB 3.0 AchievementCredential schema, as VC-JWT and as Data Integrity', async () => {
      const { call, tokens } = service();
      const admin = await tokens.sign({ sub: 'platform', roles: ['platform-admin'] });
      await call('POST', '/issuers', {
        token: admin,
        body: { id: 'schema-college', name: 'Schema College', url: 'https://schema.example' },
      });
      const definition = {
        name: 'Data Visualisation',
        description: 'Builds charts that answer a stated question.',
        criteria: { narrative: 'Presented a dashboard reviewed against the rubric.' },
        alignment: [
          {
            targetName: 'Statisticians',
            targetUrl: 'https://www.onetonline.org/link/summary/15-2041.00',
            targetCode: '15-2041.00',
            targetFramework: 'O*NET-SOC',
          },
        ],
        achievementType: 'Competency',
        creditsAvailable: 1,
        tag: ['visualisation'],
      };
      const validate = await officialValidator();

      for (const proofFormat of ['vc-jwt', 'eddsa-rdfc-2022'] as const) {
        const achievement = await call('POST', '/issuers/schema-college/achievements', {
          token: admin,
          body: { definition, proofFormat },
        });
        const issued = await call('POST', '/credentials/issue', {
          token: admin,
          body: {
            credential: {
              issuer: 'schema-college',
              credentialSubject: {
                email: 'learner@mail.example',
                achievement: { id: achievement.body.id },
              },
            },
          },
        });
        const credential =
          typeof issued.body.verifiableCredential === 'string'
            ? credentialFromJwtPayload(decodeCompactJws(issued.body.verifiableCredential).payload)
                .credential
            : issued.body.verifiableCredential;

        expect(validate(credential), `${proofFormat}: ${JSON.stringify(validate.errors)}`).toBe(
          true,
        );
      }
    });
  });
}
