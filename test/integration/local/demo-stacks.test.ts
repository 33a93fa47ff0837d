import { beforeAll, describe, expect, it } from 'vitest';
import { DEMO_ISSUER_ID, seedDemoTenant } from '#local/seed.ts';
import type { CredentialRecord } from '#shared/service/records.ts';
import { verifyWithCli } from '#test/support/cli-verify.ts';
import { useService } from '#test/support/service-harness.ts';

/**
 * The issue's walk-through in the local runtime: the seeded demo tenant with its three stacks,
 * the stream consumers running as under `npm start`. Ada, one elective short of Data Analyst
 * Foundations, earns it with one more badge; the award verifies with the command line against
 * the running service; revoking a constituent suspends it.
 */

const service = useService({ streams: true });

let admin: string;
let ada: string;
let idsByName: Record<string, string>;

async function pathwayAwards(learnerId: string): Promise<CredentialRecord[]> {
  const { items } = await service().ctx.credentials.listByLearner(learnerId);
  return items.filter((r) => r.award !== undefined && r.award.milestone === undefined);
}

async function progress(pathwayId: string): Promise<{ progress: number; nextSteps: unknown[] }> {
  const response = await service().call('GET', '/learners/ada/pathways', { token: ada });
  expect(response.status).toBe(200);
  return response.body.items.find((i: { pathway: { id: string } }) => i.pathway.id === pathwayId);
}

beforeAll(async () => {
  const { ctx, tokens } = service();
  admin = await tokens.sign({ sub: 'platform', roles: ['platform-admin'] });
  ada = await tokens.sign({ sub: 'ada', roles: ['learner'], learnerId: 'ada' });
  const tenant = await seedDemoTenant(ctx);
  idsByName = Object.fromEntries(tenant.achievements.map((a) => [a.definition.name, a.id]));
  await service().drained();
}, 120_000);

describe('the demo stacks', () => {
  it('publishes three stacks, awarding the seeded learners nothing but the milestone they reached', async () => {
    const published = await service().ctx.pathways.listPublished();

    expect(published.map((h) => h.pathwayId).sort()).toEqual([
      'bi-specialist',
      'data-analyst-foundations',
      'database-essentials',
    ]);
    expect(await pathwayAwards('ada')).toEqual([]);
    const { items } = await service().ctx.credentials.listByLearner('ada');
    expect(
      items.filter((r) => r.award?.milestone !== undefined).map((r) => r.achievementId),
    ).toEqual([idsByName['Data Foundations Milestone']]);
  });

  it('tells Ada what is missing: more elective credits', async () => {
    const before = await progress('data-analyst-foundations');

    expect(before.progress).toBeGreaterThan(50);
    expect(before.progress).toBeLessThan(100);
    expect(JSON.stringify(before.nextSteps)).toContain('credits');
  });

  it('awards Data Analyst Foundations when the last badge arrives, verifiable with the command line', async () => {
    const issued = await service().call('POST', '/credentials/issue', {
      token: admin,
      body: {
        credential: {
          issuer: DEMO_ISSUER_ID,
          credentialSubject: {
            email: 'ada.learner@mail.example',
            achievement: { id: idsByName['Data Cleaning and Preparation'] },
          },
        },
        options: { learnerId: 'ada' },
      },
    });
    expect(issued.status).toBe(201);
    await service().drained();

    const [award] = await pathwayAwards('ada');
    expect(award?.award?.pathwayId).toBe('data-analyst-foundations');
    expect((await progress('data-analyst-foundations')).progress).toBe(100);
    const listed = await service().call('GET', '/learners/ada/credentials', { token: ada });
    const shown = listed.body.items.find((i: { id: string }) => i.id === award?.id);
    expect(shown).toMatchObject({
      achievement: { name: 'Data Analyst Foundations' },
      award: { pathwayId: 'data-analyst-foundations', version: 1 },
    });
    const report = await verifyWithCli(award?.signed ?? '');
    expect([report.verdict, report.issuerBinding.bound]).toEqual(['valid', true]);
  });

  it("shows the award's page with a working image and a link to each contributing credential's page", async () => {
    const { url } = service();
    const [award] = await pathwayAwards('ada');
    const pageUrl = `${url}/credentials/${encodeURIComponent(award?.id ?? '')}/verify`;

    const html = await (await fetch(pageUrl, { headers: { accept: 'text/html' } })).text();
    const image = await fetch(`${url}/credentials/${encodeURIComponent(award?.id ?? '')}/image`);
    const links = [...html.matchAll(/<a href="([^"]+\/verify)">/g)].map((match) => match[1]);

    expect([image.status, image.headers.get('content-type')]).toEqual([200, 'image/svg+xml']);
    expect(await image.text()).toContain('Data Analyst');
    expect(links.sort()).toEqual(
      (award?.award?.contributing ?? [])
        .map((id) => `${url}/credentials/${encodeURIComponent(id)}/verify`)
        .sort(),
    );
    for (const link of links) {
      expect((await fetch(link ?? '', { headers: { accept: 'text/html' } })).status).toBe(200);
    }
  });

  it('serves every image the demo issuer and its badges name', async () => {
    const { url, ctx } = service();
    const issuer = await ctx.issuers.get(DEMO_ISSUER_ID);
    const { items } = await ctx.achievements.list(DEMO_ISSUER_ID);
    const images = [issuer?.profile.image, ...items.map((a) => a.definition.image)];

    expect(
      images.every(
        (image) =>
          typeof image === 'string' && image.startsWith(`${url}/issuers/${DEMO_ISSUER_ID}/images/`),
      ),
    ).toBe(true);
    for (const image of images) {
      const response = await fetch(String(image));
      expect([response.status, response.headers.get('content-type')]).toEqual([
        200,
        'image/svg+xml',
      ]);
    }
    const unknown = await fetch(`${url}/issuers/${DEMO_ISSUER_ID}/images/not-a-badge.svg`);
    expect(unknown.status).toBe(404);
  });

  it('suspends the award when a constituent is revoked', async () => {
    const [award] = await pathwayAwards('ada');
    const sql = award?.award?.contributing[0] as string;
    const revoked = await service().call('POST', '/credentials/status', {
      token: admin,
      body: { credentialId: sql, credentialStatus: [{ status: 'revoked' }] },
    });
    expect(revoked.status).toBe(200);
    await service().drained();

    const [after] = await pathwayAwards('ada');
    expect(after?.state).toBe('suspended');
  });
});
