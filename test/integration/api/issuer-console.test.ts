import { beforeAll, describe, expect, it } from 'vitest';
import { useService } from '#test/support/service-harness.ts';

/**
 * The issuer console's routes over HTTP on DynamoDB Local: the profile edit, achievement
 * versions, the credential search with reasons on status changes, and the dashboard's numbers
 * against credentials this file creates.
 */

const service = useService();

let tokens: { admin: string; consoleAdmin: string; otherAdmin: string };
let achievementId: string;
const credentialIds: string[] = [];

const definition = {
  name: 'Spreadsheet Auditing',
  description: 'Finds and fixes errors in financial spreadsheets.',
  criteria: { narrative: 'Audited three real workbooks.' },
  alignment: [
    {
      targetName: 'Financial and Investment Analysts',
      targetUrl: 'https://www.onetonline.org/link/summary/13-2051.00',
      targetCode: '13-2051.00',
      targetFramework: 'O*NET-SOC',
    },
  ],
};

beforeAll(async () => {
  const { call, tokens: dev } = service();
  tokens = {
    admin: await dev.sign({ sub: 'platform', roles: ['platform-admin'] }),
    consoleAdmin: await dev.sign({ sub: 'c', roles: ['issuer-admin'], issuerId: 'console' }),
    otherAdmin: await dev.sign({ sub: 'o', roles: ['issuer-admin'], issuerId: 'other' }),
  };
  const issuer = await call('POST', '/issuers', {
    token: tokens.admin,
    body: { id: 'console', name: 'Console Academy' },
  });
  const achievement = await call('POST', '/issuers/console/achievements', {
    token: tokens.consoleAdmin,
    body: { definition, statusPurpose: 'suspension' },
  });
  expect([issuer.status, achievement.status]).toEqual([201, 201]);
  achievementId = achievement.body.id as string;
  for (const email of ['one@mail.example', 'two@mail.example', 'three@mail.example']) {
    const issued = await call('POST', '/credentials/issue', {
      token: tokens.consoleAdmin,
      body: {
        credential: {
          issuer: 'console',
          credentialSubject: { email, achievement: { id: achievementId } },
        },
      },
    });
    expect(issued.status).toBe(201);
    credentialIds.push(issued.body.id as string);
  }
}, 60_000);

describe('PUT /issuers/{issuerId}/profile', () => {
  it("replaces the profile, and refuses another issuer's admin and a bad URL as problems", async () => {
    const { call } = service();

    const updated = await call('PUT', '/issuers/console/profile', {
      token: tokens.consoleAdmin,
      body: { name: 'Console Academy of Data', url: 'https://console.example.edu' },
    });
    const forbidden = await call('PUT', '/issuers/console/profile', {
      token: tokens.otherAdmin,
      body: { name: 'Taken over' },
    });
    const invalid = await call('PUT', '/issuers/console/profile', {
      token: tokens.consoleAdmin,
      body: { name: 'x', url: 'not a url' },
    });
    const read = await call('GET', '/issuers/console', { token: tokens.consoleAdmin });

    expect(updated.status).toBe(200);
    expect(updated.body.profile).toEqual({
      name: 'Console Academy of Data',
      url: 'https://console.example.edu',
    });
    expect([forbidden.status, invalid.status]).toEqual([403, 400]);
    expect(invalid.headers.get('content-type')).toContain('application/problem+json');
    expect(invalid.body.errors[0].pointer).toBe('/url');
    expect(read.body.name).toBe('Console Academy of Data');
    expect(read.body.keys.every((key: { createdAt?: string }) => key.createdAt)).toBe(true);
  });
});

describe('POST /issuers/{issuerId}/achievements/{achievementId}/versions', () => {
  it('creates version 2 beside version 1 and refuses a second edit of version 1', async () => {
    const { call } = service();
    const path = `/issuers/console/achievements/${achievementId}/versions`;

    const second = await call('POST', path, {
      token: tokens.consoleAdmin,
      body: { definition: { ...definition, name: 'Spreadsheet Auditing II' } },
    });
    const fork = await call('POST', path, { token: tokens.consoleAdmin, body: { definition } });
    const first = await call('GET', `/issuers/console/achievements/${achievementId}`);

    expect(second.status).toBe(201);
    expect(second.body).toMatchObject({ revision: 2, previousId: achievementId });
    expect(second.body.statusPurpose).toBe('suspension');
    expect(fork.status).toBe(409);
    expect(first.body.definition.name).toBe('Spreadsheet Auditing');
  });
});

describe('GET /issuers/{issuerId}/credentials and status reasons', () => {
  it('finds a recipient by email, suspends with a reason, lists it by status, reinstates it', async () => {
    const { call } = service();
    const base = '/issuers/console/credentials';

    const byEmail = await call('GET', `${base}?recipient=two%40mail.example`, {
      token: tokens.consoleAdmin,
    });
    const target = credentialIds[1] as string;
    const suspended = await call('POST', '/credentials/status', {
      token: tokens.consoleAdmin,
      body: {
        credentialId: target,
        credentialStatus: [{ type: 'BitstringStatusListCredential', status: 'suspended' }],
        reason: 'Assessment under review',
      },
    });
    const listed = await call('GET', `${base}?status=suspended`, { token: tokens.consoleAdmin });
    const reinstated = await call('POST', '/credentials/status', {
      token: tokens.consoleAdmin,
      body: {
        credentialId: target,
        credentialStatus: [{ type: 'BitstringStatusListCredential', status: 'active' }],
      },
    });
    const after = await call('GET', `${base}?status=suspended`, { token: tokens.consoleAdmin });
    const badStatus = await call('GET', `${base}?status=lost`, { token: tokens.consoleAdmin });
    const foreign = await call('GET', base, { token: tokens.otherAdmin });

    expect(byEmail.body.items.map((item: { id: string }) => item.id)).toEqual([target]);
    expect(byEmail.body.statusListMaxAgeSeconds).toBe(60);
    expect(suspended.status).toBe(200);
    expect(listed.body.items).toMatchObject([
      { id: target, state: 'suspended', stateNote: 'Assessment under review' },
    ]);
    expect(reinstated.body.status).toBe('active');
    expect(after.body.items).toEqual([]);
    expect([badStatus.status, foreign.status]).toEqual([400, 403]);
    expect(badStatus.headers.get('content-type')).toContain('application/problem+json');
  });
});

describe('GET /issuers/{issuerId}/dashboard', () => {
  it('returns the numbers of the credentials this file created', async () => {
    const { call } = service();
    const revoked = credentialIds[0] as string;
    const change = await call('POST', '/credentials/status', {
      token: tokens.consoleAdmin,
      body: {
        credentialId: revoked,
        credentialStatus: [{ type: 'BitstringStatusListCredential', status: 'revoked' }],
        reason: 'Issued in error',
      },
    });

    const dashboard = await call('GET', '/issuers/console/dashboard', {
      token: tokens.consoleAdmin,
    });

    expect(change.status).toBe(200);
    expect(dashboard.status).toBe(200);
    const month = new Date().toISOString().slice(0, 7);
    expect(dashboard.body.totals).toEqual({ issued: 3, active: 2, suspended: 0, revoked: 1 });
    expect(dashboard.body.issuedByMonth).toEqual([
      { month, achievementId, achievementName: 'Spreadsheet Auditing', issued: 3 },
    ]);
    expect(dashboard.body.revocations).toEqual([
      { achievementId, achievementName: 'Spreadsheet Auditing', revoked: 1, suspended: 0 },
    ]);
    expect(dashboard.body.pathwayCompletions).toEqual([]);
    expect(dashboard.body.imports.citing).toBe(0);
  });
});

describe('POST /issuers/{issuerId}/uploads', () => {
  it('serves a checked SVG from the service and refuses one with a script as a problem', async () => {
    const { call, url: baseUrl } = service();
    const safe = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 4 4"><circle r="2"/></svg>';
    const upload = (text: string) =>
      call('POST', '/issuers/console/uploads', {
        token: tokens.consoleAdmin,
        body: { contentType: 'image/svg+xml', data: Buffer.from(text).toString('base64') },
      });

    const stored = await upload(safe);
    const served = await fetch(stored.body.url.replace(/^https?:\/\/[^/]+/, baseUrl));
    const refused = await upload(safe.replace('<circle', '<script>alert(1)</script><circle'));
    const unknown = await fetch(`${baseUrl}/issuers/console/uploads/${'0'.repeat(64)}.svg`);

    expect(stored.status).toBe(201);
    expect(served.status).toBe(200);
    expect(served.headers.get('content-type')).toContain('image/svg+xml');
    expect(served.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(await served.text()).toBe(safe);
    expect(refused.status).toBe(400);
    expect(refused.headers.get('content-type')).toContain('application/problem+json');
    expect(refused.body.detail).toMatch(/script/);
    expect(unknown.status).toBe(404);
  });
});
