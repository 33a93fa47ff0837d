import { beforeAll, describe, expect, it } from 'vitest';
import { StaticFetcher } from '#shared/adapters/https/static-fetcher.ts';
import { encodeRgbaPng } from '#shared/credentials/present/png-encoder.ts';
import { useService } from '#test/support/service-harness.ts';

/**
 * The public verification page over HTTP, as a browser and a person checking a badge use it:
 * what it shows, that "Verify again" really verifies again, the recipient check, the badge
 * image (hosted, unreachable, none), and a readable 404 for an unknown credential.
 */

const HOSTED_PNG = encodeRgbaPng({ width: 2, height: 2, rgba: new Uint8Array(16).fill(200) });
const network = new StaticFetcher({
  'https://images.college.example/statistics.png': { body: HOSTED_PNG, contentType: 'image/png' },
  'https://images.college.example/page.png': { body: '<html></html>', contentType: 'text/html' },
});
const service = useService({ network });

const RESULT_ID = 'https://college.example/results/final-exam';
const DEFINITION = {
  name: 'Statistics for Analysts',
  description: 'Applies descriptive and inferential statistics to business questions.',
  criteria: { narrative: 'Passed the final exam.' },
  creditsAvailable: 5,
  resultDescription: [{ id: RESULT_ID, name: 'Final exam', resultType: 'Percent' }],
};

let admin: string;
const achievements: Record<string, string> = {};

async function achievement(
  key: string,
  definition: Record<string, unknown>,
  extra: Record<string, unknown> = {},
) {
  const created = await service().call('POST', '/issuers/page-college/achievements', {
    token: admin,
    body: { definition, ...extra },
  });
  expect(created.status).toBe(201);
  achievements[key] = created.body.id;
}

async function issue(
  key: string,
  subject: Record<string, unknown> = { email: 'ada.learner@mail.example' },
  extra: Record<string, unknown> = {},
): Promise<{ id: string; uuid: string }> {
  const issued = await service().call('POST', '/credentials/issue', {
    token: admin,
    body: {
      credential: {
        issuer: 'page-college',
        credentialSubject: { ...subject, achievement: { id: achievements[key] } },
        ...extra,
      },
    },
  });
  expect(issued.status).toBe(201);
  return { id: issued.body.id, uuid: String(issued.body.id).replace('urn:uuid:', '') };
}

async function page(uuid: string, method = 'GET', form?: string) {
  const response = await fetch(`${service().url}/credentials/${uuid}/verify`, {
    method,
    headers: {
      accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8',
      ...(form === undefined ? {} : { 'content-type': 'application/x-www-form-urlencoded' }),
    },
    ...(form === undefined ? {} : { body: form }),
  });
  return {
    status: response.status,
    type: response.headers.get('content-type'),
    html: await response.text(),
  };
}

function text(html: string): string {
  return html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');
}

beforeAll(async () => {
  admin = await service().tokens.sign({ sub: 'platform', roles: ['platform-admin'] });
  const issuer = await service().call('POST', '/issuers', {
    token: admin,
    body: { id: 'page-college', name: 'Page College' },
  });
  expect(issuer.status).toBe(201);
  await achievement('hosted', {
    ...DEFINITION,
    image: 'https://images.college.example/statistics.png',
  });
  await achievement('unreachable', {
    ...DEFINITION,
    name: 'Data Cleaning',
    image: 'https://images.unreachable.example/cleaning.png',
  });
  await achievement('none', { ...DEFINITION, name: 'Dashboard Design' });
  await achievement('html', {
    ...DEFINITION,
    name: 'Data Storytelling',
    image: 'https://images.college.example/page.png',
  });
  await achievement(
    'suspendable',
    { ...DEFINITION, name: 'Database Backup' },
    {
      statusPurpose: 'suspension',
    },
  );
}, 120_000);

describe('GET /credentials/{id}/verify', () => {
  it('shows what a displayer must and a checker needs: image, facts, results, credits, recipient', async () => {
    const { id, uuid } = await issue(
      'hosted',
      {
        email: 'ada.learner@mail.example',
        result: [{ resultDescription: RESULT_ID, value: '87' }],
        creditsEarned: 5,
      },
      { validUntil: '2099-01-01T00:00:00Z' },
    );
    const credential = (await service().call('GET', `/credentials/${uuid}`)).body;

    const shown = await page(uuid);
    const words = text(shown.html);

    expect([shown.status, shown.type]).toEqual([200, 'text/html; charset=utf-8']);
    expect(shown.html).toContain(
      `<img src="${service().url}/credentials/${encodeURIComponent(id)}/image"`,
    );
    for (const expected of [
      'Verified',
      'Statistics for Analysts',
      'Applies descriptive and inferential statistics',
      'Issued by Page College',
      'Issued on',
      'Expires on',
      '1 January 2099',
      'Results Final exam 87',
      'Credits 5 of 5',
      'Issued to',
      'email address, which the credential holds only as a salted hash',
      'Last checked at',
    ])
      expect(words).toContain(expected);
    // The recipient form is labelled, and the page never repeats the hash or its salt.
    expect(shown.html).toContain('<label for="recipient-email">Email address</label>');
    expect(shown.html).toContain('id="recipient-email" name="email" type="email"');
    const identity = credential.credentialSubject.identifier[0];
    expect(shown.html).not.toContain(identity.identityHash.slice(7));
    expect(shown.html).not.toContain(identity.salt);
  });

  it('verifies again on "Verify again": a new check time, and the state as it is now', async () => {
    const { id, uuid } = await issue('none');
    const first = await page(uuid);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    await service().call('POST', '/credentials/status', {
      token: admin,
      body: { credentialId: id, credentialStatus: [{ status: 'revoked' }] },
    });

    const again = await page(uuid, 'POST');
    const at = (html: string) => /<time datetime="([^"]+)">[^<]*UTC<\/time>/.exec(html)?.[1];

    expect(text(first.html)).toContain('Last checked at');
    expect(text(again.html)).toContain('Verified again just now, at');
    expect(Date.parse(at(again.html) ?? '')).toBeGreaterThan(Date.parse(at(first.html) ?? ''));
    expect(text(first.html)).toMatch(/Verified Every check that ran passed/);
    expect(text(again.html)).toMatch(/Revoked The issuer has revoked this credential/);
    expect(again.html).toMatch(/Failed<\/span> <code>status<\/code>/);
  });

  it('answers the recipient check on the server: yes, no, or not an address', async () => {
    const { uuid } = await issue('none', { email: 'Grace.Learner@mail.example' });

    const yes = await page(uuid, 'POST', 'email=+grace.learner%40MAIL.example+');
    const no = await page(uuid, 'POST', 'email=someone.else%40mail.example');
    const junk = await page(uuid, 'POST', 'email=not-an-address');

    expect(text(yes.html)).toContain(
      'Yes: this credential was issued to grace.learner@MAIL.example .',
    );
    expect(text(no.html)).toContain(
      'No: this credential was not issued to someone.else@mail.example .',
    );
    expect(text(junk.html)).toContain('That is not an email address; nothing was checked.');
    expect([yes.status, no.status, junk.status]).toEqual([200, 200, 200]);
  });

  it('offers no email check for a credential issued to a DID, and names the DID', async () => {
    const { uuid } = await issue('none', { id: 'did:example:grace' });

    const shown = await page(uuid);

    expect(text(shown.html)).toContain('Issued to The holder of did:example:grace');
    expect(shown.html).not.toContain('name="email"');
  });

  it('says Revoked for a suspension-entry credential the issuer revoked, and why the check says suspended', async () => {
    const { id, uuid } = await issue('suspendable');
    await service().call('POST', '/credentials/status', {
      token: admin,
      body: { credentialId: id, credentialStatus: [{ status: 'revoked' }] },
    });

    const words = text((await page(uuid)).html);

    expect(words).toContain('Revoked The issuer has revoked this credential for good');
    expect(words).toContain('Its status list can only mark it suspended');
    expect(words).toMatch(/Failed status BitstringStatusListEntry \(suspension\): .*suspended/);
  });

  it('answers an unknown credential with an HTML 404 for browsers and problem+json for APIs', async () => {
    const unknown = '00000000-0000-4000-8000-00000000abcd';

    const browser = await page(unknown);
    const posted = await page(unknown, 'POST');
    const api = await service().call('GET', `/credentials/${unknown}/verify`, {
      headers: { accept: 'application/json' },
    });
    const bare = await service().call('GET', `/credentials/${unknown}/verify`);

    expect([browser.status, browser.type]).toEqual([404, 'text/html; charset=utf-8']);
    expect(text(browser.html)).toContain(
      `Credential not found This service holds no credential urn:uuid:${unknown}`,
    );
    expect(browser.html).toContain('<html lang="en">');
    expect(posted.status).toBe(404);
    for (const response of [api, bare]) {
      expect([response.status, response.headers.get('content-type')]).toEqual([
        404,
        'application/problem+json',
      ]);
    }
  });
});

describe('GET /credentials/{id}/image', () => {
  async function image(key: string) {
    const { uuid } = await issue(key);
    const response = await fetch(`${service().url}/credentials/${uuid}/image`);
    return {
      type: response.headers.get('content-type'),
      csp: response.headers.get('content-security-policy'),
      body: new Uint8Array(await response.arrayBuffer()),
    };
  }

  it("serves the issuer's hosted image when it can be fetched", async () => {
    const hosted = await image('hosted');

    expect(hosted.type).toBe('image/png');
    expect(Buffer.from(hosted.body).equals(Buffer.from(HOSTED_PNG))).toBe(true);
  });

  it.each([
    ['unreachable', 'Data Cleaning'],
    ['none', 'Dashboard Design'],
    ['html', 'Data Storytelling'],
  ])('draws the badge when the image is %s', async (key, name) => {
    const drawn = await image(key);
    const svg = Buffer.from(drawn.body).toString('utf8');

    expect(drawn.type).toBe('image/svg+xml');
    expect(drawn.csp).toContain('sandbox');
    expect(svg).toContain(name.split(' ')[0]);
    expect(svg).toContain('Page College');
  });
});
