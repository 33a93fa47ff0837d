import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Journey, startJourney } from './support.ts';

/**
 * The issuer console in a real browser (Debian's chromium, playwright-core) against the real
 * `npm start` on its own data folder: the issuer admin of the demo tenant reads the dashboard,
 * rotates a key after a confirmation, creates an achievement aligned to two O*NET occupations
 * with an uploaded image (an SVG with a script is refused first), searches credentials, and
 * suspends and reinstates one. Every console page is checked with axe and photographed at
 * 390 px and 1280 px into test-results/e2e/. (Its own runtime, set up by support.ts as
 * every journey's is.)
 */

/** A 1×1 PNG. */
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);
const SCRIPTED_SVG =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 4 4"><script>alert(1)</script><circle r="2"/></svg>';

let journey: Journey;
let page: Page;
let base: string;

/** A JSON call to the API as the demo tenant's issuer admin. */
const api = (method: string, path: string, body?: unknown) =>
  journey.api(method, path, 'issuer-admin', body);
const shoot = (name: string) => journey.shoot(name);

beforeAll(async () => {
  journey = await startJourney();
  page = journey.page;
  base = journey.base;
}, 300_000);

afterAll(async () => {
  await journey?.close();
}, 60_000);

describe('the issuer console', () => {
  it("shows the dashboard with the API's numbers, and rotates a key after a confirmation", async () => {
    await page.goto(`${base}/app/sign-in`);
    await page.getByRole('button', { name: 'issuer-admin', exact: true }).click();
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Console' })
      .click();
    await page.getByRole('heading', { name: 'Issuer dashboard' }).waitFor();
    const totals = page.getByRole('list', { name: 'Totals' });
    await totals.waitFor();
    const numbers = (await api('GET', '/issuers/northfield/dashboard')).body;
    expect(numbers.totals.issued).toBeGreaterThan(0);
    expect(await totals.getByText(`${numbers.totals.issued} issued`).count()).toBe(1);
    expect(await totals.getByText(`${numbers.totals.revoked} revoked`).count()).toBe(1);
    await shoot('console-dashboard');

    await page.getByRole('link', { name: 'Profile and keys' }).click();
    await page.getByRole('heading', { name: 'Retired keys' }).waitFor();
    await page.getByText('No key has been retired yet.').waitFor();
    await page.getByRole('button', { name: 'Rotate ES256 key' }).click();
    await page
      .getByRole('alertdialog')
      .getByText(/stays in your DID document/)
      .waitFor();
    await shoot('console-profile-confirm');
    await page.getByRole('button', { name: 'Yes, rotate the ES256 key' }).click();
    await page.getByText('The ES256 key was rotated.').waitFor();
    expect(await page.getByText('No key has been retired yet.').count()).toBe(0);
    const keys = (await api('GET', '/issuers/northfield')).body.keys as { status: string }[];
    expect(keys.filter((key) => key.status === 'retired')).toHaveLength(1);
    await shoot('console-profile');
  });

  it('creates an achievement aligned to two O*NET occupations with an uploaded image', async () => {
    await page.getByRole('link', { name: 'Achievements' }).click();
    await page.getByRole('list', { name: 'Achievements' }).waitFor();
    await page.getByRole('button', { name: 'New achievement' }).click();
    await page.getByLabel('Name', { exact: true }).fill('Console Analytics Lab');
    await page
      .getByLabel('Description', { exact: true })
      .fill('Ran an analysis end to end in the lab.');
    await page.getByLabel('Criteria: what an earner did').fill('Passed the lab assessment.');
    await page.getByLabel('Credits available (optional)').fill('2');
    await page.getByLabel('Tags, separated by commas (optional)').fill('lab, analytics');
    for (const [typed, name] of [
      ['data scien', 'Data Scientists'],
      ['statistici', 'Statisticians'],
    ] as const) {
      await page.getByLabel('Skill alignments (O*NET and ESCO)').fill(typed);
      await page.getByRole('button', { name: `Add ${name}`, exact: true }).click();
      await page.getByRole('button', { name: `Remove ${name}` }).waitFor();
    }
    // The crosswalk is shown next to the picked occupation.
    expect(
      await page.getByText(/Crosswalk: search also finds it as ESCO:/).count(),
    ).toBeGreaterThan(0);

    const file = page.getByLabel('Upload a PNG or SVG (at most 256 KB)');
    await file.setInputFiles({
      name: 'scripted.svg',
      mimeType: 'image/svg+xml',
      buffer: Buffer.from(SCRIPTED_SVG),
    });
    await page
      .getByRole('alert')
      .getByText(/script/)
      .waitFor();
    await file.setInputFiles({ name: 'badge.png', mimeType: 'image/png', buffer: PNG });
    await page.getByText('Image ready.').waitFor();
    await page.getByLabel('When a credential must be withdrawn').selectOption('suspension');
    await shoot('console-achievement-form');
    await page.getByRole('button', { name: 'Create achievement' }).click();
    await page.getByText('Saved Console Analytics Lab.').waitFor();
    await shoot('console-achievements');

    const all = (await api('GET', '/issuers/northfield/achievements')).body.items as {
      id: string;
      definition: {
        name: string;
        alignment?: { targetFramework: string }[];
        image?: { id: string };
      };
    }[];
    const created = all.find((a) => a.definition.name === 'Console Analytics Lab');
    expect(created?.definition.alignment?.map((a) => a.targetFramework)).toEqual([
      'O*NET-SOC',
      'O*NET-SOC',
    ]);
    const image = await fetch(created?.definition.image?.id ?? '');
    expect([image.status, image.headers.get('content-type')]).toEqual([200, 'image/png']);
  });

  it('finds a credential by recipient, suspends it with a reason and reinstates it', async () => {
    // Every page: achievement ids are random, so the new one may sit past the first page.
    const all: { id: string; definition: { name: string } }[] = [];
    let cursor: string | undefined;
    do {
      const query = cursor === undefined ? '' : `?cursor=${encodeURIComponent(cursor)}`;
      const listed = (await api('GET', `/issuers/northfield/achievements${query}`)).body;
      all.push(...listed.items);
      cursor = listed.cursor ?? undefined;
    } while (cursor !== undefined);
    const lab = all.find((a) => a.definition.name === 'Console Analytics Lab');
    const issued = await api('POST', '/credentials/issue', {
      credential: {
        issuer: 'northfield',
        credentialSubject: { email: 'lab.learner@mail.example', achievement: { id: lab?.id } },
      },
    });
    expect(issued.status).toBe(201);

    await page.getByRole('link', { name: 'Credentials' }).click();
    await page.getByLabel('Recipient (email, DID or learner id)').fill('lab.learner@mail.example');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    const found = page.getByRole('list', { name: 'Credentials found' }).getByRole('listitem');
    // The page lists the issuer's newest credentials before the search answers: wait for the
    // filtered list, not just for the new credential to show.
    await expect.poll(() => found.count(), { timeout: 30_000 }).toBe(1);
    await found.getByText('Console Analytics Lab').waitFor();
    await page
      .getByText(/public page within 60 seconds/)
      .first()
      .waitFor();
    await shoot('console-credentials');

    await found.getByRole('button', { name: 'Suspend' }).click();
    await page.getByLabel('Reason (kept with the credential, shown here)').fill('Lab under review');
    await page.getByRole('button', { name: 'Suspend this credential' }).click();
    await found.getByText('Suspended').waitFor();
    await found.getByText(/Lab under review/).waitFor();
    await shoot('console-credentials-suspended');
    const suspended = await api(
      'GET',
      '/issuers/northfield/credentials?status=suspended&recipient=lab.learner%40mail.example',
    );
    expect(suspended.body.items.map((c: { id: string }) => c.id)).toEqual([issued.body.id]);

    await found.getByRole('button', { name: 'Reinstate' }).click();
    await page.getByRole('button', { name: 'Reinstate this credential' }).click();
    await found.getByText('Active').waitFor();
    const active = await api(
      'GET',
      '/issuers/northfield/credentials?status=active&recipient=lab.learner%40mail.example',
    );
    expect(active.body.items.map((c: { id: string }) => c.id)).toEqual([issued.body.id]);
  });

  it('lets a platform admin onboard an issuer from the form, list it and open its console', async () => {
    await page.goto(`${base}/app/sign-in`);
    await page.getByRole('button', { name: 'platform-admin', exact: true }).click();
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Console' })
      .click();
    await page
      .getByRole('navigation', { name: 'Issuer console' })
      .getByRole('link', { name: 'Issuers' })
      .click();
    const list = page.getByRole('region', { name: 'All issuers' });
    await list.getByRole('link', { name: /Northfield/ }).waitFor();

    // Checked before sending: a bad slug and a bad email are named next to their fields.
    await page.getByLabel('Issuer id').fill('Kestrel Institute');
    await page.getByLabel('Name', { exact: true }).fill('Kestrel Institute');
    await page.getByLabel('Contact email').fill('not-an-email');
    await page.getByRole('button', { name: 'Onboard issuer' }).click();
    await page
      .getByText('Lower-case letters, digits and inner hyphens, 1–63 characters.')
      .waitFor();
    await page.getByText('An email address such as registrar@example.edu.').waitFor();
    expect(await page.getByLabel('Issuer id').getAttribute('aria-invalid')).toBe('true');
    await shoot('console-issuers-invalid');
    // The API's refusal (a taken id) is shown too, and nothing is created.
    await page.getByLabel('Issuer id').fill('northfield');
    await page.getByLabel('Contact email').fill('');
    await page.getByRole('button', { name: 'Onboard issuer' }).click();
    await page
      .getByRole('alert')
      .getByText(/already exists/)
      .waitFor();

    await page.getByLabel('Issuer id').fill('kestrel');
    await page.getByLabel('Contact email').fill('registrar@kestrel.example');
    await page.getByLabel('Web site (URL)').fill('https://kestrel.example');
    await page.getByRole('button', { name: 'Onboard issuer' }).click();
    const done = page.getByRole('status').filter({ hasText: 'Kestrel Institute is onboarded' });
    await done.getByText(/did:web:.*:issuers:kestrel/).waitFor();
    const row = list.getByRole('link', { name: 'Kestrel Institute' });
    await row.waitFor();
    expect(await row.getAttribute('href')).toBe('/app/console?issuer=kestrel');
    await shoot('console-issuers');

    await row.click();
    await page.getByRole('heading', { name: 'Issuer dashboard' }).waitFor();
    await page.getByText('Nothing issued yet.').waitFor();
    expect(new URL(page.url()).search).toBe('?issuer=kestrel');
  });
});
