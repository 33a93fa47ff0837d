import { describe, expect, it } from 'vitest';
import type { CredentialState } from '#shared/domain/records/records.ts';
import { statusPurposeOf } from '#shared/domain/status.ts';
import { useService } from '#test/support/service-harness.ts';

/**
 * Status changes are linearizable: however revocations, suspensions, reinstatements and no-op
 * requests on one credential race each other, once they are answered the stored state, the
 * status-list bit, verification and the public page all agree, and an acknowledged revocation
 * is never lost. Hundreds of rounds over HTTP on DynamoDB Local, nine concurrent requests per
 * round and a few rounds at once (sized for a 2-core machine).
 */

const service = useService();

const ROUNDS_PER_SCENARIO = 120;
// Rounds in flight at once: 4 × 9 requests keeps both cores busy without timing out.
const PARALLEL_ROUNDS = 4;

interface Tokens {
  readonly admin: string;
  readonly issuerAdmin: string;
}

async function onboard(
  issuerId: string,
  statusPurpose: 'revocation' | 'suspension',
): Promise<{ tokens: Tokens; achievementId: string }> {
  const { call, tokens: dev } = service();
  const tokens = {
    admin: await dev.sign({ sub: 'platform', roles: ['platform-admin'] }),
    issuerAdmin: await dev.sign({ sub: `${issuerId}-admin`, roles: ['issuer-admin'], issuerId }),
  };
  const issuer = await call('POST', '/issuers', {
    token: tokens.admin,
    body: { id: issuerId, name: `${issuerId} College` },
  });
  const achievement = await call('POST', `/issuers/${issuerId}/achievements`, {
    token: tokens.issuerAdmin,
    body: {
      statusPurpose,
      definition: {
        name: 'Incident Response',
        description: 'Triages and resolves production incidents.',
        criteria: { narrative: 'Led a game-day exercise.' },
      },
    },
  });
  expect([issuer.status, achievement.status]).toEqual([201, 201]);
  return { tokens, achievementId: achievement.body.id as string };
}

async function issue(issuerId: string, achievementId: string, tokens: Tokens) {
  const issued = await service().call('POST', '/credentials/issue', {
    token: tokens.issuerAdmin,
    body: {
      credential: {
        issuer: issuerId,
        credentialSubject: { email: 'racer@mail.example', achievement: { id: achievementId } },
      },
    },
  });
  expect(issued.status).toBe(201);
  return { id: issued.body.id as string, jwt: issued.body.verifiableCredential as string };
}

function change(credentialId: string, status: CredentialState, token: string) {
  return service().call('POST', '/credentials/status', {
    token,
    body: {
      credentialId,
      credentialStatus: [{ type: 'BitstringStatusListCredential', status }],
    },
  });
}

/** What a round left behind, as every reader of the credential's status sees it. */
interface Observed {
  readonly state: CredentialState | undefined;
  readonly bit: boolean;
  readonly verified: boolean;
  readonly page: 'revoked' | 'suspended' | 'active';
}

async function observe(credential: { id: string; jwt: string }): Promise<Observed> {
  const { ctx, call } = service();
  const record = await ctx.credentials.get(credential.id);
  const purpose = record ? statusPurposeOf(record) : 'revocation';
  const list = record ? await ctx.statusLists.read(record.status.listId, purpose) : undefined;
  const verified = await call('POST', '/credentials/verify', {
    body: { verifiableCredential: credential.jwt },
  });
  const page = await call('GET', `/credentials/${credential.id.replace(/^urn:uuid:/, '')}/verify`);
  const html = String(page.body);
  return {
    state: record?.state,
    bit: list?.setIndexes.includes(record?.status.index ?? -1) ?? false,
    verified: verified.body.verified === true,
    page: html.includes('has revoked this credential')
      ? 'revoked'
      : html.includes('has suspended this credential')
        ? 'suspended'
        : 'active',
  };
}

/** Where the observations disagree with each other or with the acknowledged changes. */
function disagreements(
  observed: Observed,
  start: CredentialState,
  acknowledged: readonly CredentialState[],
): string[] {
  const found: string[] = [];
  const { state } = observed;
  if (state === undefined) return ['the credential is gone'];
  if (observed.bit !== (state !== 'active')) found.push(`bit ${observed.bit} for state ${state}`);
  if (observed.verified !== (state === 'active')) {
    found.push(`verified ${observed.verified} for state ${state}`);
  }
  if (observed.page !== state) found.push(`page says ${observed.page}, state ${state}`);
  // Revocation is permanent: once one is acknowledged, nothing may undo it.
  if (acknowledged.includes('revoked') && state !== 'revoked') {
    found.push(`acknowledged revocation lost (state ${state})`);
  }
  // The final state is what the last acknowledged change asked for (each one, no-ops
  // included, held at the moment it took effect); with none acknowledged, the start.
  const possible = acknowledged.length > 0 ? acknowledged : [start];
  if (!possible.includes(state)) {
    found.push(`state ${state} is none of the acknowledged ${possible.join(', ')}`);
  }
  return found;
}

/** Deterministic shuffle (the same order on every run, so a failure can be replayed). */
function shuffled<T>(items: readonly T[], seed: number): T[] {
  const out = [...items];
  let s = seed;
  for (let i = out.length - 1; i > 0; i -= 1) {
    s = (s * 1_103_515_245 + 12_345) % 2 ** 31;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

interface Scenario {
  readonly issuerId: string;
  readonly purpose: 'revocation' | 'suspension';
  /** The state each round starts from. */
  readonly start: (round: number) => CredentialState;
  /** The nine changes a round fires at once. */
  readonly requests: (round: number) => readonly CredentialState[];
}

async function runScenario(scenario: Scenario) {
  const { tokens, achievementId } = await onboard(scenario.issuerId, scenario.purpose);
  const failures: { round: number; problems: string[] }[] = [];
  let lostRevocations = 0;
  let acknowledgedRevocations = 0;
  for (let first = 0; first < ROUNDS_PER_SCENARIO; first += PARALLEL_ROUNDS) {
    const rounds = Array.from(
      { length: Math.min(PARALLEL_ROUNDS, ROUNDS_PER_SCENARIO - first) },
      (_, i) => first + i,
    );
    await Promise.all(
      rounds.map(async (round) => {
        const credential = await issue(scenario.issuerId, achievementId, tokens);
        const start = scenario.start(round);
        if (start !== 'active') {
          expect((await change(credential.id, start, tokens.issuerAdmin)).status).toBe(200);
        }
        const targets = scenario.requests(round);
        const answers = await Promise.all(
          targets.map((to) => change(credential.id, to, tokens.issuerAdmin)),
        );
        // Every answer is a success or a refused transition, never a fault.
        for (const answer of answers) expect([200, 409]).toContain(answer.status);
        const acknowledged = targets.filter((_, i) => answers[i]?.status === 200);
        const observed = await observe(credential);
        const problems = disagreements(observed, start, acknowledged);
        if (acknowledged.includes('revoked')) {
          acknowledgedRevocations += 1;
          if (!observed.bit || observed.verified) lostRevocations += 1;
        }
        if (problems.length > 0) failures.push({ round, problems });
      }),
    );
  }
  return { failures, lostRevocations, acknowledgedRevocations };
}

describe('concurrent status changes', () => {
  it('never loses an acknowledged revocation to concurrent no-op "active" requests', async () => {
    const result = await runScenario({
      issuerId: 'race-revoke',
      purpose: 'revocation',
      start: () => 'active',
      requests: (round) =>
        shuffled(['revoked', ...Array<CredentialState>(8).fill('active')], round + 1),
    });

    expect(result.failures).toEqual([]);
    expect(result.lostRevocations).toBe(0);
    // Every round's revocation applies (no-ops never stand in its way).
    expect(result.acknowledgedRevocations).toBe(ROUNDS_PER_SCENARIO);
  }, 600_000);

  it('keeps state, bit, verification and page in agreement when suspend, reinstate and revoke race', async () => {
    const result = await runScenario({
      issuerId: 'race-suspend',
      purpose: 'suspension',
      // Half the rounds start suspended (reinstate is a real change), half active (no-op).
      start: (round) => (round % 2 === 0 ? 'suspended' : 'active'),
      requests: (round) =>
        shuffled(
          [
            // A revocation in every other round: the rest race suspend against reinstate.
            ...(round % 4 < 2 ? (['revoked'] as const) : (['suspended'] as const)),
            ...Array<CredentialState>(4).fill('active'),
            ...Array<CredentialState>(4).fill('suspended'),
          ],
          round + 7,
        ),
    });

    expect(result.failures).toEqual([]);
    expect(result.lostRevocations).toBe(0);
    expect(result.acknowledgedRevocations).toBeGreaterThan(0);
  }, 600_000);

  it('writes nothing for a change to the state the credential is already in', async () => {
    const { ctx } = service();
    const { tokens, achievementId } = await onboard('noop', 'suspension');
    const credential = await issue('noop', achievementId, tokens);
    const record = await ctx.credentials.get(credential.id);
    const listId = record?.status.listId as string;
    const revision = async () => (await ctx.statusLists.read(listId, 'suspension'))?.revision;

    const before = await revision();
    const noops = await Promise.all(
      Array.from({ length: 4 }, () => change(credential.id, 'active', tokens.issuerAdmin)),
    );
    const afterActive = await revision();
    await change(credential.id, 'suspended', tokens.issuerAdmin);
    const suspended = await revision();
    await change(credential.id, 'suspended', tokens.issuerAdmin);

    expect(noops.map((answer) => answer.status)).toEqual([200, 200, 200, 200]);
    expect(afterActive).toBe(before);
    expect(suspended).toBe((before ?? 0) + 1);
    expect(await revision()).toBe(suspended);
  });

  it('repairs a bit that disagrees with the state on a repeated change, and only then writes', async () => {
    const { ctx } = service();
    const { tokens, achievementId } = await onboard('drift', 'revocation');
    const credential = await issue('drift', achievementId, tokens);
    const revoked = await change(credential.id, 'revoked', tokens.issuerAdmin);
    const record = await ctx.credentials.get(credential.id);
    if (!record) throw new Error('the issued credential is not stored');
    // The lost revocation a change could leave before state and bit moved together.
    await ctx.statusLists.setBit(record.status, 'revocation', false);
    const drifted = await observe(credential);

    const repeated = await change(credential.id, 'revoked', tokens.issuerAdmin);

    expect(revoked.status).toBe(200);
    expect([drifted.bit, drifted.verified]).toEqual([false, true]);
    expect(repeated.body).toEqual({ credentialId: credential.id, status: 'revoked' });
    expect(await observe(credential)).toEqual({
      state: 'revoked',
      bit: true,
      verified: false,
      page: 'revoked',
    });
  });
});
