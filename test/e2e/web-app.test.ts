import { type ChildProcess, spawn } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AxeBuilder } from '@axe-core/playwright';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '#local/free-port.ts';
import { DEMO_EMPLOYER_ID } from '#local/seed.ts';

/**
 * The web app in a real browser (Debian's chromium, driven by playwright-core) against the
 * real `npm start` on its own data folder: a learner watches a stack complete, an employer
 * finds consenting candidates with the badges that prove each skill, and a withdrawal takes
 * the learner out of the results. Every page is checked with axe and photographed at 390 px
 * and 1280 px into test-results/e2e/.
 */

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const START = join(ROOT, 'local/start.ts');
const SHOTS = join(ROOT, 'test-results/e2e');
const CHROMIUM = '/usr/bin/chromium';
const DATA_SCIENTISTS = 'ONET:15-2051.00';

let dir: string;
let profile: string;
let base: string;
let child: ChildProcess | undefined;
let browser: BrowserContext;
let page: Page;
const timings: Record<string, number> = {};

async function startRuntime(port: number): Promise<void> {
  let output = '';
  const process_ = spawn(process.execPath, [START], {
    cwd: dir,
    env: { ...process.env, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child = process_;
  await new Promise<void>((done, fail) => {
    process_.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Ctrl-C stops everything')) done();
    });
    process_.stderr?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    process_.once('exit', (code) => fail(new Error(`npm start exited (${code}):\n${output}`)));
  });
}

async function token(name: string): Promise<string> {
  const tokens = JSON.parse(await readFile(join(dir, '.data/dev-tokens.json'), 'utf8'));
  return tokens[name].token as string;
}

async function api(method: string, path: string, as: string, body?: unknown) {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${await token(as)}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  // biome-ignore lint/suspicious/noExplicitAny: API answers are read loosely in a journey test
  return { status: response.status, body: (await response.json()) as any };
}

/** No serious or critical accessibility violation on the page as it stands. */
async function accessible(): Promise<void> {
  const results = await new AxeBuilder({ page }).analyze();
  const bad = results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  expect(bad).toEqual([]);
}

/** The page at a phone's and a laptop's width, checked and photographed at both. */
async function shoot(name: string): Promise<void> {
  for (const width of [390, 1280]) {
    await page.setViewportSize({ width, height: 900 });
    // Nothing may stick out sideways at either width.
    // (Expressions run in the page, as strings: this project is type-checked without the DOM.)
    const overflow = Number(
      await page.evaluate(
        'document.documentElement.scrollWidth - document.documentElement.clientWidth',
      ),
    );
    expect(overflow, `${name} at ${width}px scrolls sideways`).toBeLessThanOrEqual(0);
    await page.screenshot({ path: join(SHOTS, `${name}-${width}.png`), fullPage: true });
  }
  await accessible();
}

/**
 * Signs in through the development OpenID provider, as a person would: the app sends the
 * browser there (authorization code + PKCE), its page asks which demo user to be, and the
 * app takes the code back at /auth/callback.
 */
async function signInAs(user: string): Promise<void> {
  await page.goto(`${base}/app/sign-in`);
  await page.getByRole('button', { name: 'Sign in with your account' }).click();
  await page.waitForURL((url) => url.pathname.startsWith('/oidc/interaction/'));
  await page.getByRole('heading', { name: 'Sign in as a demo user' }).waitFor();
  await page.getByRole('button', { name: user, exact: true }).click();
  await page.waitForURL((url) => url.pathname.startsWith('/app/'));
  await page.getByRole('button', { name: `Sign out (${user})` }).waitFor();
  // The tokens came from the provider (its issuer), not from the dev tokens file.
  const stored = JSON.parse(
    String(await page.evaluate("sessionStorage.getItem('credstack.session')")),
  ) as { via: string; token: string };
  expect(stored.via).toBe('oidc');
  const claims = JSON.parse(Buffer.from(stored.token.split('.')[1] ?? '', 'base64url').toString());
  expect(claims.iss).toBe(`${base}/oidc`);
}

/** Signs out of the app and of the provider, back on the home page. */
async function signOut(): Promise<void> {
  await page.getByRole('button', { name: /^Sign out/ }).click();
  await page.getByRole('heading', { name: 'Sign out of the development provider?' }).waitFor();
  await page.getByRole('button', { name: 'Sign out', exact: true }).click();
  await page.waitForURL(`${base}/`);
  await page
    .getByRole('navigation', { name: 'Main' })
    .getByRole('link', { name: 'Sign in' })
    .waitFor();
  expect(await page.evaluate("sessionStorage.getItem('credstack.session')")).toBeNull();
}

async function searchTwoSkills(): Promise<void> {
  await page.goto(`${base}/app/search`);
  // One skill picked by name from the suggestions (GET /skills), one pasted as a key.
  await page.getByLabel('Must have', { exact: true }).fill('sql');
  const addSql = page.getByRole('button', { name: 'Add SQL', exact: true });
  // The suggestion describes itself with its framework, code and crosswalk (aria-describedby).
  const description = await addSql.getAttribute('aria-describedby');
  expect(await page.locator(`[id="${description}"]`).textContent()).toBe(
    'ESCO skill 598de5b0-5b58-4ea7-8058-a4bc4d18c742 · no O*NET equivalent in the crosswalk',
  );
  await addSql.click();
  await page.getByRole('button', { name: 'Remove SQL' }).waitFor();
  await page.getByLabel('Must have', { exact: true }).fill(DATA_SCIENTISTS);
  await page.getByRole('button', { name: 'Search', exact: true }).click();
  await page.getByRole('heading', { name: /^\d+ candidates?$/ }).waitFor();
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'credstack-e2e-'));
  profile = await mkdtemp(join(tmpdir(), 'credstack-chromium-'));
  await mkdir(SHOTS, { recursive: true });
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  await startRuntime(port);
  // A fresh profile each run (the user data dir), nothing downloaded: Debian's chromium.
  browser = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1280, height: 900 },
    acceptDownloads: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  page = browser.pages()[0] ?? (await browser.newPage());
}, 300_000);

afterAll(async () => {
  await browser?.close();
  if (child && child.exitCode === null) {
    const exited = new Promise((done) => child?.once('exit', done));
    child.kill('SIGINT');
    await exited;
  }
  await writeFile(join(SHOTS, 'timings.json'), `${JSON.stringify(timings, null, 2)}\n`);
  await rm(dir, { recursive: true, force: true });
  await rm(profile, { recursive: true, force: true });
}, 60_000);

describe('the web app', () => {
  it('serves the app at / beside the API, without shadowing it', async () => {
    const home = await fetch(`${base}/`);
    expect(home.headers.get('content-type')).toContain('text/html');
    expect((await fetch(`${base}/health`)).status).toBe(200);
    expect((await fetch(`${base}/openapi.json`)).headers.get('content-type')).toContain('json');
    expect((await fetch(`${base}/assets/..%2f..%2fpackage.json`)).status).toBe(404);
    const config = (await (await fetch(`${base}/app-config.json`)).json()) as { oidc: unknown };
    expect(config.oidc).toMatchObject({ clientId: 'credstack-web', authority: `${base}/oidc` });

    await page.goto(`${base}/`);
    await page.getByRole('heading', { name: 'Verify a badge' }).waitFor();
    await shoot('home');
  });

  it('shows Ada her progress, then the stack credential once she earns the last badge', async () => {
    await signInAs('learner-ada');
    await page.getByRole('heading', { name: 'My badges' }).waitFor();
    await page.getByRole('list', { name: 'Badges' }).waitFor();
    await page.goto(`${base}/app/badges`);
    await page.getByRole('list', { name: 'Badges' }).waitFor();
    // Time to interactive of the learner page, loaded afresh: navigation start until its badges
    // are on screen (the app loaded, the config read, the API answered, the cards rendered).
    timings.learnerBadgesInteractiveMs = Number(await page.evaluate('performance.now()'));
    await shoot('learner-badges');
    const [clr] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download my CLR' }).click(),
    ]);
    expect(clr.suggestedFilename()).toBe('ada-clr.jwt');
    expect(await readFile((await clr.path()) ?? '', 'utf8')).toMatch(/^eyJ[\w-]+\.[\w-]+\.[\w-]+$/);

    await page.getByRole('link', { name: 'My stacks' }).click();
    const stack = page.getByRole('article', { name: 'Data Analyst Foundations' });
    await stack.getByText(/% complete$/).waitFor();
    expect(await stack.getByText('3 of 6 credits').count()).toBe(1);
    expect(await stack.getByText(/met by SQL Querying Fundamentals/).count()).toBeGreaterThan(0);
    expect(await stack.getByRole('heading', { name: 'Next steps' }).count()).toBe(1);
    // Next steps name the badges that would meet them, with where to earn them.
    expect(
      await stack.getByRole('link', { name: 'Data Cleaning and Preparation' }).count(),
    ).toBeGreaterThan(0);
    await shoot('learner-stacks');

    const achievements = await api('GET', '/issuers/northfield/achievements', 'issuer-admin');
    const cleaning = achievements.body.items.find(
      (a: { name?: string; definition?: { name?: string } }) =>
        (a.name ?? a.definition?.name) === 'Data Cleaning and Preparation',
    );
    const issued = await api('POST', '/credentials/issue', 'issuer-admin', {
      credential: {
        issuer: 'northfield',
        credentialSubject: {
          email: 'ada.learner@mail.example',
          achievement: { id: cleaning.id },
        },
      },
      options: { learnerId: 'ada' },
    });
    expect(issued.status).toBe(201);

    // The award follows from the stream: reload until the stack says so.
    await expect
      .poll(
        async () => {
          await page.reload();
          await page.getByRole('article', { name: 'Data Analyst Foundations' }).waitFor();
          return page
            .getByRole('article', { name: 'Data Analyst Foundations' })
            .getByText('Complete: the stack credential is yours.')
            .count();
        },
        { timeout: 60_000, interval: 1_000 },
      )
      .toBe(1);

    // The stack credential is issued by the award consumer, just after: wait for it in the list.
    await page.getByRole('link', { name: 'My badges' }).click();
    await expect
      .poll(
        async () => {
          await page.reload();
          await page.getByRole('list', { name: 'Badges' }).waitFor();
          return page.getByRole('link', { name: 'Data Analyst Foundations' }).count();
        },
        { timeout: 60_000, interval: 1_000 },
      )
      .toBe(1);
    await page.getByRole('link', { name: 'Data Analyst Foundations' }).click();
    await page.getByText('This badge is genuine').waitFor();
    const linkedIn = await page
      .getByRole('link', { name: 'Add to LinkedIn profile' })
      .getAttribute('href');
    expect(linkedIn).toMatch(
      /^https:\/\/www\.linkedin\.com\/profile\/add\?startTask=CERTIFICATION_NAME&name=Data\+Analyst\+Foundations&/,
    );
    // Results and evidence from the credential itself, never an empty heading.
    await page.getByRole('heading', { name: 'Results' }).waitFor();
    await page.getByRole('heading', { name: 'Evidence' }).waitFor();
    expect(await page.getByText('Valid: checked just now.').count()).toBe(1);
    await shoot('learner-badge');
    // The downloads are the service's files: baked images, JSON and the JWT.
    const baked: Record<string, string> = {};
    for (const [kind, name] of [
      ['png', 'Badge image with the credential inside (PNG)'],
      ['svg', 'Badge image with the credential inside (SVG)'],
      ['jwt', 'Credential (JWT)'],
    ] as const) {
      const [file] = await Promise.all([
        page.waitForEvent('download'),
        page.getByRole('link', { name, exact: true }).click(),
      ]);
      baked[kind] = (await file.path()) ?? '';
    }
    expect((await readFile(baked.png ?? '')).subarray(1, 4).toString()).toBe('PNG');
    expect(await readFile(baked.svg ?? '', 'utf8')).toContain('credential');

    // Adding a badge shows the report in plain words before anything is saved.
    await page.getByRole('link', { name: 'Add a badge' }).click();
    await page.locator('#import-file').setInputFiles(baked.svg ?? '');
    await page.getByRole('heading', { name: 'What we found' }).waitFor();
    expect(await page.getByText(/^This is a badge image \(SVG\)/).count()).toBe(1);
    expect(await page.getByText(/^It verifies:/).count()).toBe(1);
    await shoot('learner-import-preview');
    // A file that is no badge is refused, and the page says why.
    await page.locator('#import-file').setInputFiles({
      name: 'notes.json',
      mimeType: 'application/json',
      buffer: Buffer.from('{"hello":"world"}'),
    });
    await page.getByText(/^It cannot be added: the credential did not verify/).waitFor();
    expect(await page.getByRole('button', { name: 'Keep this badge' }).count()).toBe(0);

    // The public verify box takes the baked images too, read in the browser.
    for (const kind of ['png', 'svg'] as const) {
      await page.goto(`${base}/`);
      await page.locator('#verify-file').setInputFiles(baked[kind] ?? '');
      await page.getByText(/^This badge is genuine/).waitFor();
    }
    await page.goto(`${base}/app/badges`);
    await page.getByRole('link', { name: 'Data Analyst Foundations' }).click();
    await page.getByText('This badge is genuine').waitFor();

    await page.getByRole('link', { name: 'Public verification page' }).click();
    await page.waitForLoadState('load');
    timings.verificationPageMs = Number(
      await page.evaluate(
        "performance.getEntriesByType('navigation')[0]?.domContentLoadedEventEnd ?? -1",
      ),
    );
    // The service's own page, loaded by the browser (not the app's router).
    expect(new URL(page.url()).pathname).toMatch(/^\/credentials\/[^/]+\/verify$/);
    await page
      .getByRole('heading', { name: /Data Analyst Foundations/ })
      .first()
      .waitFor();
    expect(await page.getByText('Page not found').count()).toBe(0);
    await shoot('verification-page');
  });

  it('lets an employer find consenting candidates by two skills, with reasons, shortlist one and export them', async () => {
    await page.goto(`${base}/app/badges`);
    await signOut();
    await signInAs('employer');
    await searchTwoSkills();
    const hits = page.locator('.hit');
    expect(await hits.count()).toBeGreaterThan(0);
    // Only learners who let this employer find them: Grace holds badges but never consented.
    expect(await hits.filter({ hasText: 'Grace' }).count()).toBe(0);
    const ada = hits.filter({ hasText: 'Ada L.' });
    expect(await ada.count()).toBe(1);
    // The reasons: each must-have skill, ticked, with the badges behind it and their links.
    expect(await ada.getByRole('heading', { name: 'Must have' }).count()).toBe(1);
    expect(await ada.getByText(/shown by:/).count()).toBe(2);
    expect(
      await ada.getByRole('link', { name: /SQL Querying Fundamentals/ }).count(),
    ).toBeGreaterThan(0);
    const href = await ada
      .getByRole('link', { name: /SQL Querying Fundamentals/ })
      .first()
      .getAttribute('href');
    expect(href).toMatch(/\/credentials\/.+\/verify$/);
    expect(
      await ada.getByText(/from Northfield Technical College, issued/).count(),
    ).toBeGreaterThan(0);
    await shoot('employer-search');

    // Facets are labelled, counted and filter when pressed (and again when released).
    const facets = page.getByRole('list', { name: 'Filter by achievement types' });
    const pressed = facets.locator('button[aria-pressed="true"]');
    // By keyboard: a facet is a button like any other.
    await facets.getByRole('button').first().focus();
    await page.keyboard.press('Enter');
    await pressed.waitFor();
    expect(await page.locator('#achievement-type').inputValue()).not.toBe('');
    await pressed.click();
    await pressed.waitFor({ state: 'detached' });
    expect(await page.locator('#achievement-type').inputValue()).toBe('');
    await page.getByRole('heading', { name: /^\d+ candidates?$/ }).waitFor();

    // A skill facet adds the same named chip a picked suggestion does (never its raw key in the
    // box), by keyboard too, and searches again with that skill as a must-have.
    const skillFacets = page.getByRole('list', { name: 'Filter by skills' });
    const mustHaveBox = page.getByLabel('Must have', { exact: true });
    const chips = page.getByRole('list', { name: 'Must have: picked skills' });
    // Data Scientists is typed as a key by searchTwoSkills: its facet is pressed already.
    const unpicked = skillFacets.locator('button[aria-pressed="false"]').first();
    const facetName = String(await unpicked.textContent())
      .replace(/\s*\d+\s*candidates\s*$/, '')
      .trim();
    const [skillName, framework] = facetName.split(' · ');
    expect(framework).toMatch(/^(O\*NET|ESCO)$/);
    const rerun = page.waitForRequest(
      (request) => request.url().endsWith('/candidates/search') && request.method() === 'POST',
    );
    await unpicked.focus();
    await page.keyboard.press('Enter');
    const sent = (await rerun).postDataJSON() as { mustHave: string[] };
    // The search ran again with the facet's skill beside the two already asked for.
    expect(sent.mustHave).toHaveLength(3);
    expect(sent.mustHave).toContain(DATA_SCIENTISTS);
    const facetKey = String(
      sent.mustHave.find(
        (k) => k !== DATA_SCIENTISTS && k !== 'ESCO:598de5b0-5b58-4ea7-8058-a4bc4d18c742',
      ),
    );
    expect(facetKey).toMatch(/^(ONET|ESCO):/);
    // The chip carries the name the suggestions give that key, and its framework.
    const lookup = await fetch(`${base}/skills?q=${encodeURIComponent(facetKey)}`);
    const suggested = (
      (await lookup.json()) as { items: { key: string; label: string }[] }
    ).items.find((item) => item.key === facetKey);
    expect(suggested?.label).toBe(skillName);
    const chip = chips.getByRole('listitem').filter({ hasText: String(skillName) });
    await chip.waitFor();
    expect((await chip.textContent())?.replace('×', '').trim()).toBe(`${skillName} · ${framework}`);
    const remove = chips.getByRole('button', { name: `Remove ${skillName} (${framework})` });
    expect(await remove.count()).toBe(1);
    // Nothing typed into the box: it still holds only the key searchTwoSkills typed.
    expect(await mustHaveBox.inputValue()).toBe(DATA_SCIENTISTS);
    await page
      .getByRole('status')
      .filter({ hasText: `Must have: Added ${skillName} (${framework}).` })
      .waitFor({ state: 'attached' });
    await page.getByRole('heading', { name: /^\d+ candidates?$/ }).waitFor();
    const pressedSkill = skillFacets
      .getByRole('button')
      .filter({ hasText: `${skillName} · ${framework}` });
    expect(await pressedSkill.first().getAttribute('aria-pressed')).toBe('true');
    await shoot('employer-search-skill-facet');
    // Pressed again, the facet takes the chip away and searches without it.
    const rerunWithout = page.waitForRequest(
      (request) => request.url().endsWith('/candidates/search') && request.method() === 'POST',
    );
    await pressedSkill.first().click();
    const without = (await rerunWithout).postDataJSON() as { mustHave: string[] };
    expect(without.mustHave).not.toContain(facetKey);
    await chip.waitFor({ state: 'detached' });
    await page.getByRole('heading', { name: /^\d+ candidates?$/ }).waitFor();

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Export CSV' }).click(),
    ]);
    const csv = await readFile((await download.path()) ?? '', 'utf8');
    expect(csv).toContain('Ada L.');

    // Shortlist Ada with a note that a spreadsheet would otherwise run as a formula.
    const adaHit = page.locator('.hit').filter({ hasText: 'Ada L.' });
    await adaHit.getByText('Shortlist Ada L.').first().click();
    await adaHit.getByLabel('Note on Ada L.').fill('=SUM(1,2) strong "SQL"');
    await adaHit.getByRole('button', { name: 'Shortlist Ada L.' }).click();
    await adaHit.getByText('On your shortlist.').waitFor();

    // Save the search: it starts with no new matches.
    await page.getByLabel('Save this search as').fill('Analysts with SQL');
    await page.getByRole('button', { name: 'Save search' }).click();
    await page.getByText('Saved as “Analysts with SQL”.').waitFor();
    const saved = page.getByRole('region', { name: 'Saved searches' });
    await saved.getByRole('button', { name: 'Open Analysts with SQL' }).waitFor();
    expect(await saved.getByText('0 new matches').count()).toBe(1);

    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Shortlist' })
      .click();
    const list = page.getByRole('list', { name: 'Shortlisted candidates' });
    await list.getByRole('link', { name: 'Ada L.' }).waitFor();
    expect(await list.getByLabel('Note on Ada L.').inputValue()).toBe('=SUM(1,2) strong "SQL"');
    // The note changed with the keyboard alone: type, Tab to the button, Enter.
    await list.getByLabel('Note on Ada L.').focus();
    await page.keyboard.press('End');
    await page.keyboard.type(' +call');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await list.getByText('Note saved.').waitFor();
    await shoot('employer-shortlist');
    const [file] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download shortlist as CSV' }).click(),
    ]);
    expect(file.suggestedFilename()).toBe('shortlist.csv');
    const rows = (await readFile((await file.path()) ?? '', 'utf8')).split('\r\n');
    expect(rows[0]).toBe('learnerId,displayName,note,addedAt,badges,verifyUrls');
    expect(rows[1]).toMatch(/^ada,Ada L\.,"'=SUM\(1,2\) strong ""SQL"" \+call",\d{4}-/);
    expect(rows[1]).toContain('SQL Querying Fundamentals (Northfield Technical College)');
    expect(rows[1]).toMatch(/\/credentials\/[^ ,]+\/verify/);
    expect(rows.slice(2)).toEqual(['']);

    await list.getByRole('link', { name: 'Ada L.' }).click();
    await page.getByRole('heading', { name: 'Ada L.' }).waitFor();
    await shoot('employer-candidate');
  });

  it('says in words, next to the field, why a search was refused', async () => {
    await page.goto(`${base}/app/search`);
    await page.getByLabel('Must have', { exact: true }).fill('not-a-skill');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await page.locator('#must-have-error').waitFor();
    expect(await page.locator('#must-have-error').textContent()).toContain('is not a skill key');

    // Checked before sending, said next to the field too.
    await page.getByLabel('Must have', { exact: true }).fill(DATA_SCIENTISTS);
    await page.getByLabel('Minimum result (0–100)').fill('150');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await page.locator('#min-result-error').waitFor();
    expect(await page.locator('#min-result-error').textContent()).toContain('0 to 100');
    expect(await page.getByLabel('Minimum result (0–100)').getAttribute('aria-invalid')).toBe(
      'true',
    );
  });

  it('takes Ada out of the results once she withdraws consent', async () => {
    await signOut();
    await signInAs('learner-ada');
    await page.getByRole('link', { name: 'Privacy' }).click();
    await page.getByRole('button', { name: 'Withdraw consent' }).click();
    await page.getByText('No employer can find you.').waitFor();
    // The change comes with a receipt: who, for what, which employers, from, withdrawn when.
    const [receiptFile] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download the receipt for this change' }).click(),
    ]);
    const receipt = JSON.parse(await readFile((await receiptFile.path()) ?? '', 'utf8'));
    expect(receipt).toMatchObject({
      event: 'withdrawn',
      dataSubject: { learnerId: 'ada' },
      legalBasis: 'consent',
      recipients: { employers: [] },
    });
    expect(receipt.validity.withdrawnAt).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(receipt.purpose.description).toMatch(/employers find me/);
    await shoot('learner-privacy');

    await signOut();
    await signInAs('employer');
    await searchTwoSkills();
    expect(await page.locator('.hit').filter({ hasText: 'Ada L.' }).count()).toBe(0);
    expect(await page.locator('.hit').filter({ hasText: 'Katherine J.' }).count()).toBe(1);
    // Nor does the saved search count her as a match, new or not.
    const saved = page.getByRole('region', { name: 'Saved searches' });
    await saved.getByText('0 new matches').waitFor();
    await saved.getByRole('button', { name: 'Open Analysts with SQL' }).click();
    await page.getByRole('heading', { name: /^\d+ candidates?$/ }).waitFor();
    expect(await page.locator('.hit').filter({ hasText: 'Katherine J.' }).count()).toBe(1);
    expect(await page.locator('.hit').filter({ hasText: 'Ada L.' }).count()).toBe(0);

    // She is gone from the shortlist and from its CSV, though the employer shortlisted her.
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Shortlist' })
      .click();
    await page.getByText('Your shortlist is empty.').waitFor();
    expect(await page.getByText('Ada L.').count()).toBe(0);
    await shoot('employer-shortlist-empty');
    const csv = await fetch(`${base}/employers/${DEMO_EMPLOYER_ID}/shortlist.csv`, {
      headers: { authorization: `Bearer ${await token('employer')}` },
    });
    expect(csv.status).toBe(200);
    expect(await csv.text()).toBe('learnerId,displayName,note,addedAt,badges,verifyUrls\r\n');
  });

  it('says so when the session has ended, and signs in again to the same page', async () => {
    // The employer is signed in; the API now refuses the token, as it does an expired one.
    await page.evaluate(() => {
      const raw = sessionStorage.getItem('credstack.session') ?? '{}';
      sessionStorage.setItem(
        'credstack.session',
        JSON.stringify({ ...JSON.parse(raw), token: 'expired.token.value' }),
      );
    });
    await page.goto(`${base}/app/search`);
    await page.getByLabel('Must have', { exact: true }).fill(DATA_SCIENTISTS);
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await page.getByText('Your session has ended.').waitFor();
    await Promise.all([
      page.waitForURL((url) => url.pathname === '/auth/callback'),
      page.getByRole('button', { name: 'Sign in again' }).click(),
    ]);
    // The provider still knows the browser: it answers at once, back to the same page.
    await page.waitForURL(`${base}/app/search`);
    await page.getByRole('button', { name: 'Sign out (employer)' }).waitFor();
    expect(await page.getByText('Your session has ended.').count()).toBe(0);
    await page.getByLabel('Must have', { exact: true }).fill(DATA_SCIENTISTS);
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await page.getByRole('heading', { name: /^\d+ candidates?$/ }).waitFor();

    // A token whose own expiry passes while the page is open: the notice shows by itself.
    await page.evaluate(() => {
      const raw = sessionStorage.getItem('credstack.session') ?? '{}';
      sessionStorage.setItem(
        'credstack.session',
        JSON.stringify({ ...JSON.parse(raw), expiresAt: Math.floor(Date.now() / 1000) + 2 }),
      );
    });
    await page.reload();
    await page.getByLabel('Must have', { exact: true }).waitFor();
    expect(await page.getByText('Your session has ended.').count()).toBe(0);
    await page.getByText('Your session has ended.').waitFor({ timeout: 10_000 });
  });

  it('shows a revoked badge as revoked, never as valid', async () => {
    await signOut();
    await signInAs('learner-grace');
    const held = await api('GET', '/learners/grace/credentials', 'learner-grace');
    const badge = held.body.items.find(
      (c: { achievement: { name?: string } }) =>
        c.achievement.name === 'Relational Database Design',
    );
    const revoked = await api('POST', '/credentials/status', 'issuer-admin', {
      credentialId: badge.id,
      credentialStatus: [{ type: 'BitstringStatusListCredential', status: 'revoked' }],
    });
    expect(revoked.status).toBe(200);
    await page.goto(`${base}/app/badges/${encodeURIComponent(badge.id)}`);
    // In plain words: who withdrew it, and that it is not valid.
    await page
      .getByText(/^This badge was revoked by Northfield Technical College\. It is no longer valid/)
      .waitFor();
    await page.getByText('No: the issuer has revoked it', { exact: false }).waitFor();
    await page.getByText(/^Sharing is off/).waitFor();
    expect(await page.getByText(/This badge is genuine|^Valid: checked/).count()).toBe(0);
    // Nothing offers it as proof: no LinkedIn, no link to share, no baked images.
    expect(await page.getByRole('link', { name: 'Add to LinkedIn profile' }).count()).toBe(0);
    expect(await page.getByRole('link', { name: 'Public verification page' }).count()).toBe(0);
    expect(await page.getByRole('link', { name: /^Badge image with the credential/ }).count()).toBe(
      0,
    );
    expect(await page.getByRole('heading', { name: 'Share and download' }).count()).toBe(0);
    await page.getByRole('link', { name: 'Credential (JSON)' }).waitFor();
    // The checks' technical reasons (the status list's address and entry) stay folded away.
    const technical = page.getByText(/^This badge did not verify/);
    expect(await technical.isVisible()).toBe(false);
    expect(
      await page
        .getByText(/statusList|#\d+/)
        .filter({ visible: true })
        .count(),
    ).toBe(0);
    await shoot('learner-badge-revoked');
    // Opened by keyboard, the details give the checks' reasons for whoever wants them.
    await page.getByText('Technical details', { exact: true }).focus();
    await page.keyboard.press('Enter');
    await technical.waitFor();
  });

  it('keeps tokens out of localStorage', async () => {
    expect(await page.evaluate(() => localStorage.length)).toBe(0);
  });
});
