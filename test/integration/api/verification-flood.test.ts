import { beforeAll, describe, expect, it } from 'vitest';
import type { Fetcher } from '#shared/credentials/fetch/fetcher.ts';
import { DEFAULT_WORK_LIMITS } from '#shared/credentials/verify/work-budget.ts';
import {
  createIssuerFixture,
  fixtureClock,
  type IssuerFixture,
  serveIssuers,
} from '#test/support/issuer-fixture.ts';
import { useService } from '#test/support/service-harness.ts';

/**
 * One unauthenticated request must not stall the service. Worst-case inputs for the public
 * verifier — a signed credential at every work limit, and the 16,000-entry array that used to
 * cost seconds of CPU — are sent by several clients at once while `/health` is probed: every
 * verification gets a named failed check or its true verdict, and `/health` keeps answering
 * within a second (the local runtime verifies in worker threads). Issuer binding is checked
 * over HTTP too: the top-level warning and `options.requireIssuerBinding`.
 */

let college: IssuerFixture;
let attacker: IssuerFixture;
let network: Fetcher | undefined;
const service = useService({
  clock: fixtureClock,
  network: { fetch: (url, options) => network!.fetch(url, options) },
});

/** Signed, and at the limits: the most JSON-LD work a credential that gets verified can ask. */
let heaviest: Record<string, unknown>;
/** The reported attack: a Data Integrity credential with 16,000 tags (about 170 KB). */
let tooLong: Record<string, unknown>;

beforeAll(async () => {
  [college, attacker] = await Promise.all([
    createIssuerFixture({ domain: 'college.example' }),
    createIssuerFixture({ domain: 'attacker.example' }),
  ]);
  network = serveIssuers([college]);
  const credential = college.build();
  const achievement = (credential.credentialSubject as { achievement: Record<string, unknown> })
    .achievement;
  achievement.tag = Array.from({ length: DEFAULT_WORK_LIMITS.maxArrayEntries }, (_, i) => `t${i}`);
  // Objects are the costly values; stay just under their limit with the objects already there.
  achievement.alignment = Array.from({ length: DEFAULT_WORK_LIMITS.maxObjects - 100 }, (_, i) => ({
    type: ['Alignment'],
    targetName: `Skill ${i}`,
    targetUrl: `https://skills.example/s/${i}`,
  }));
  heaviest = await college.issueDataIntegrity(credential);
  const long = college.build();
  (long.credentialSubject as { achievement: Record<string, unknown> }).achievement.tag = Array.from(
    { length: 16_000 },
    (_, i) => `tag-${i}`,
  );
  tooLong = await college.issueDataIntegrity(long);
}, 120_000);

function percentile(samples: readonly number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

async function timedHealth(url: string): Promise<number> {
  const started = performance.now();
  const response = await fetch(`${url}/health`);
  await response.arrayBuffer();
  expect(response.status).toBe(200);
  return performance.now() - started;
}

describe('POST /credentials/verify under a flood of worst-case inputs', () => {
  it('answers every request with a verdict or a named failed check, and /health within 1 s', async () => {
    const { url, call } = service();
    // Warm up: the worker loads the verifier once.
    expect(
      (await call('POST', '/credentials/verify', { body: { verifiableCredential: tooLong } }))
        .status,
    ).toBe(200);

    const atRest: number[] = [];
    for (let i = 0; i < 60; i++) atRest.push(await timedHealth(url));

    const FLOOD_MS = 8_000;
    const CLIENTS = 6;
    const floodEnds = performance.now() + FLOOD_MS;
    const answers: { status: number; ms: number; body: unknown; heavy: boolean }[] = [];
    const clients = Array.from({ length: CLIENTS }, async (_, client) => {
      for (let round = 0; performance.now() < floodEnds; round++) {
        const heavy = (client + round) % 2 === 0;
        const started = performance.now();
        const response = await call('POST', '/credentials/verify', {
          body: { verifiableCredential: heavy ? heaviest : tooLong },
        });
        answers.push({ ...response, ms: performance.now() - started, heavy });
      }
    });
    const during: number[] = [];
    const probe = (async () => {
      while (performance.now() < floodEnds) {
        during.push(await timedHealth(url));
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    })();
    await Promise.all([...clients, probe]);

    const figures = {
      restP99: Math.round(percentile(atRest, 99)),
      floodP99: Math.round(percentile(during, 99)),
      floodMax: Math.round(Math.max(...during)),
      probes: during.length,
      verifications: answers.length,
      slowestVerifyMs: Math.round(Math.max(...answers.map((a) => a.ms))),
    };
    console.info(
      `/health p99 at rest ${figures.restP99} ms, during the flood ${figures.floodP99} ms`,
      figures,
    );

    expect(during.length).toBeGreaterThan(20);
    expect(figures.floodP99).toBeLessThan(1_000);
    expect(answers.length).toBeGreaterThanOrEqual(CLIENTS);
    // The time budget, the worker's grace period, and a wait behind the other clients' work.
    const bound = DEFAULT_WORK_LIMITS.timeBudgetMs + 1_000;
    for (const answer of answers) {
      expect(answer.status).toBe(200);
      expect(answer.ms).toBeLessThan(bound * CLIENTS);
      const body = answer.body as {
        verified: boolean;
        report: { decidingCheck?: string; checks: { outcome: string; reason: string }[] };
      };
      if (!answer.heavy) {
        expect(body.verified).toBe(false);
        expect(body.report.decidingCheck).toBe('input');
        expect(body.report.checks.find((c) => c.outcome === 'failed')?.reason).toContain(
          'has 16000 entries, more than the limit of 10000',
        );
      } else if (!body.verified) {
        // Under load the heaviest credential may use up its time budget: the verifier's own
        // check says so between steps, or the pool, having stopped a step that ran on.
        expect(body.report.checks.find((c) => c.outcome === 'failed')?.reason).toMatch(
          /time budget of \d+ ms|did not finish within \d+ ms/,
        );
      }
    }
    // The service is intact after the flood: an ordinary credential gets its true verdict.
    const after = await call('POST', '/credentials/verify', {
      body: { verifiableCredential: await college.issueDataIntegrity(college.build()) },
    });
    expect(after.body).toMatchObject({ verified: true, errors: [], warnings: [] });
  }, 180_000);
});

describe('POST /credentials/verify and issuer binding', () => {
  const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

  /** The college's credential, signed by someone else with a key embedded in the header. */
  async function forged(): Promise<string> {
    const credential = college.build();
    const input = `${b64({ alg: 'ES256', typ: 'JWT', jwk: attacker.publicJwks.ES256 })}.${b64({
      ...credential,
      iss: college.did,
      jti: credential.id,
    })}`;
    const signature = await attacker.signers.ES256.sign(Buffer.from(input, 'ascii'));
    return `${input}.${Buffer.from(signature).toString('base64url')}`;
  }

  it('puts a top-level warning on a signature by a key not bound to the issuer', async () => {
    const { status, body } = await service().call('POST', '/credentials/verify', {
      body: { verifiableCredential: await forged() },
    });

    expect(status).toBe(200);
    expect(body.verified).toBe(true);
    expect(body.warnings).toEqual([
      {
        check: 'issuerBinding',
        message: expect.stringContaining(`is not bound to ${college.did}`),
      },
    ]);
  });

  it('answers verified: false with options.requireIssuerBinding', async () => {
    const { status, body } = await service().call('POST', '/credentials/verify', {
      body: { verifiableCredential: await forged(), options: { requireIssuerBinding: true } },
    });

    expect(status).toBe(200);
    expect(body.verified).toBe(false);
    expect(body.errors[0]).toMatchObject({ check: 'key' });
    expect(body.report.issuerBinding.bound).toBe(false);
  });

  it('refuses a requireIssuerBinding that is not a boolean, as problem+json', async () => {
    const { status, headers, body } = await service().call('POST', '/credentials/verify', {
      body: { verifiableCredential: await forged(), options: { requireIssuerBinding: 'yes' } },
    });

    expect(status).toBe(400);
    expect(headers.get('content-type')).toContain('application/problem+json');
    expect(JSON.stringify(body)).toContain('requireIssuerBinding');
  });
});
