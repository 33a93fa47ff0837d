import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Journey, SHOTS, startJourney } from './support.ts';

/**
 * The issuer console's awarding and pathway pages in a real browser against `npm start`: a CSV
 * with one bad row is refused with that row's problem and nothing issued; the fixed file awards
 * 50 recipients while the progress bar climbs to 100 %; a pathway over three achievements is
 * built in the editor (an invalid node shows its problem in place), previewed, published, and
 * its retroactive job awards a learner who already qualified; revoking one of her badges
 * suspends the pathway award, as its policy says.
 */

let journey: Journey;
const names = ['Scaffold Safety', 'Rigging Basics', 'Crane Signals'];
const achievementIds: string[] = [];
const graceBadges: string[] = [];
const timings: Record<string, number> = {};

/** 50 recipients; one of them the demo learner Alan, so what he holds shows what was issued. */
function classCsv(badRow?: number): Buffer {
  const rows = Array.from({ length: 50 }, (_, i) =>
    i === 0 ? 'alan.learner@mail.example,alan' : `worker${i}@site.example,`,
  );
  // Spreadsheet row n is data row n - 2 (the header is row 1).
  if (badRow !== undefined) rows[badRow - 2] = `"=cmd|' /C calc'!A0",`;
  return Buffer.from(`email,learnerId\n${rows.join('\n')}\n`);
}

async function alanHolds(): Promise<number> {
  const held = await journey.api('GET', '/learners/alan/credentials', 'platform-admin');
  expect(held.status).toBe(200);
  return held.body.items.length;
}

async function graceAward() {
  const held = await journey.api('GET', '/learners/grace/credentials', 'platform-admin');
  return held.body.items.find(
    (c: { award?: { pathwayId: string } }) => c.award?.pathwayId === 'site-safety',
  ) as { id: string; state: string } | undefined;
}

beforeAll(async () => {
  journey = await startJourney();
  for (const name of names) {
    const created = await journey.api('POST', '/issuers/northfield/achievements', 'issuer-admin', {
      definition: { name, description: `${name}.`, criteria: { narrative: 'Passed on site.' } },
    });
    expect(created.status).toBe(201);
    achievementIds.push(created.body.id);
  }
  // Grace already holds all three: the pathway's retroactive job must find her.
  for (const id of achievementIds) {
    const issued = await journey.api('POST', '/credentials/issue', 'issuer-admin', {
      credential: {
        issuer: 'northfield',
        credentialSubject: { email: 'grace.learner@mail.example', achievement: { id } },
      },
      options: { learnerId: 'grace' },
    });
    expect(issued.status).toBe(201);
    graceBadges.push(issued.body.id);
  }
}, 300_000);

afterAll(async () => {
  await writeFile(join(SHOTS, 'console-b-timings.json'), `${JSON.stringify(timings, null, 2)}\n`);
  await journey?.close();
}, 60_000);

describe('the issuer console: awarding and pathways', () => {
  it('refuses a CSV with one bad row, naming it, and issues nothing', async () => {
    const { page, base } = journey;
    const before = await alanHolds();
    await journey.signInAs('issuer-admin');
    await page.goto(`${base}/app/console/awarding`);
    await page.getByLabel('Achievement').selectOption({ label: 'Scaffold Safety' });
    await page.getByLabel('CSV file').setInputFiles({
      name: 'class.csv',
      mimeType: 'text/csv',
      buffer: classCsv(7),
    });
    const problems = page.getByRole('table', { name: 'Problems in the file' });
    await problems.waitFor();
    expect(await problems.getByRole('row').count()).toBe(2);
    expect(
      (await problems.getByRole('row').nth(1).getByRole('cell').allTextContents()).map((t) =>
        t.trim(),
      ),
    ).toEqual(['7', 'email', 'starts with "=", which a spreadsheet runs as a formula']);
    await page.getByText('Nothing was issued').first().waitFor();
    expect(await page.getByRole('button', { name: /^Award \d+ recipients$/ }).count()).toBe(0);
    await journey.shoot('console-awarding-problems');
    // Nothing issued: Alan (row 2, a clean row) holds what he held.
    expect(await alanHolds()).toBe(before);
  });

  it('awards the fixed file to 50 recipients with the progress bar reaching 100%', async () => {
    const { page, base } = journey;
    const before = await alanHolds();
    await page.getByLabel('CSV file').setInputFiles({
      name: 'class-fixed.csv',
      mimeType: 'text/csv',
      buffer: classCsv(),
    });
    await page.getByText('class-fixed.csv: 50 recipients, no problems.').waitFor();
    const started = Date.now();
    await page.getByRole('button', { name: 'Award 50 recipients' }).click();
    await page.waitForURL(/\/app\/console\/awarding\?job=/);
    const bar = page.locator('#job-progress');
    await bar.waitFor();
    await expect
      .poll(async () => Number(await bar.getAttribute('value')), { timeout: 120_000 })
      .toBe(50);
    timings.csv50UploadToLastCredentialMs = Date.now() - started;
    expect(await bar.getAttribute('max')).toBe('50');
    await page.getByText('50 of 50 recipients (100%): 50 issued, 0 failed').waitFor();
    const results = page.getByRole('table', { name: 'Results per recipient' });
    expect(await results.getByRole('row').count()).toBe(51);
    // An email-only recipient gets the link to their badge's page.
    const link = await results
      .getByRole('link', { name: /badge page/ })
      .nth(1)
      .getAttribute('href');
    expect(link).toMatch(new RegExp(`^${base}/credentials/[^/]+/verify$`));
    expect((await fetch(link ?? '')).status).toBe(200);
    await journey.shoot('console-awarding-done');

    const [file] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Export results (CSV)' }).click(),
    ]);
    const csv = (await readFile((await file.path()) ?? '', 'utf8')).trim().split('\r\n');
    expect(csv).toHaveLength(51);
    expect(csv[0]).toBe('"row","recipient","result","credential","badge page","reason"');
    expect(csv[1]).toMatch(/^"1","alan\.learner@mail\.example","issued","urn:uuid:/);

    // The job lives in the address: a reload finds it where it stands.
    await page.reload();
    await page.getByText('50 of 50 recipients (100%): 50 issued, 0 failed').waitFor();
    expect(await alanHolds()).toBe(before + 1);
  });

  it('builds a pathway over three achievements, shows a bad node in place, and publishes it', async () => {
    const { page, base } = journey;
    await page.goto(`${base}/app/console/pathways`);
    await page.getByLabel('Pathway id').fill('site-safety');
    await page.getByLabel('Name', { exact: true }).fill('Site Safety');
    // The first requirement names no achievement yet: its problem shows at that node.
    const first = page.getByRole('group', { name: /^Requirement 1: Achievement/ });
    await first.locator('.node-errors li').first().waitFor();
    expect(await first.locator('.node-errors').textContent()).not.toBe('');
    await page.getByText(/^The rule has \d+ problems?\.$/).waitFor();
    await journey.shoot('console-pathway-invalid');

    await first.getByLabel('Achievement').selectOption({ label: names[0] ?? '' });
    for (const [i, name] of names.slice(1).entries()) {
      await page.getByRole('button', { name: 'Add a requirement to the rule' }).click();
      await page
        .getByRole('group', { name: new RegExp(`^Requirement ${i + 2}: Achievement`) })
        .getByLabel('Achievement')
        .selectOption({ label: name });
    }
    await page.getByText('The rule is valid.', { exact: true }).waitFor();
    expect(await first.locator('.node-errors').count()).toBe(0);

    // What-if for a sample learner holding two of the three, then all three.
    await page.getByRole('checkbox', { name: names[0] }).check();
    await page.getByRole('checkbox', { name: names[1] }).check();
    await page.getByText(/^The sample learner would be 6\d% of the way\.$/).waitFor();
    await page.getByRole('checkbox', { name: names[2] }).check();
    await page.getByText('The sample learner would complete this pathway.').waitFor();
    await journey.shoot('console-pathway-editor');

    await page.getByRole('button', { name: 'Save as a new version' }).click();
    await page.getByText('Saved as version 1.').waitFor();
    await page.getByRole('button', { name: 'Publish version 1' }).click();
    const confirm = page.getByRole('alertdialog');
    await confirm.getByText(/everyone who already qualifies is awarded/).waitFor();
    await confirm.getByRole('button', { name: 'Yes, publish version 1' }).click();
    await page.getByRole('heading', { name: 'Retroactive awards finished' }).waitFor({
      timeout: 120_000,
    });
    expect(Number(await page.locator('#pathway-job').getAttribute('value'))).toBe(100);
    await page.getByText(/learners evaluated \(100%\), 1 awarded$/).waitFor();
    await page
      .getByText(/published/)
      .first()
      .waitFor();
    await journey.shoot('console-pathway-published');
    await expect.poll(async () => (await graceAward())?.state, { timeout: 60_000 }).toBe('active');
  });

  it('suspends the pathway award when one of its badges is revoked, as its policy says', async () => {
    const revoked = await journey.api('POST', '/credentials/status', 'issuer-admin', {
      credentialId: graceBadges[1],
      credentialStatus: [{ status: 'revoked' }],
    });
    expect(revoked.status).toBe(200);
    await expect
      .poll(async () => (await graceAward())?.state, { timeout: 60_000, interval: 500 })
      .toBe('suspended');
  });
});
