import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateLocalKey } from '#shared/adapters/key-files/local-signer.ts';
import { fixedClock } from '#shared/core/clock.ts';
import { publicKeyToMultikey } from '#shared/credentials/crypto/multikey.ts';
import { buildOpenBadgeCredential } from '#shared/credentials/model/build.ts';
import { createEddsaRdfc2022Proof } from '#shared/credentials/proof/data-integrity.ts';
import { signVcJwt } from '#shared/credentials/proof/vc-jwt-sign.ts';
import { DEMO_ACHIEVEMENTS, demoIssuer } from '../samples/demo-catalog.ts';

/**
 * Regenerates the signed sample badges in samples/. Each is signed by a throwaway did:key
 * issuer whose private key lives in a temporary folder and is deleted at the end: the
 * samples verify offline (a did:key is its own public key) and no private key is ever kept.
 *
 *   node scripts/make-samples.ts
 */

const clock = fixedClock('2026-01-15T09:00:00Z');
const outDir = new URL('../samples/', import.meta.url);

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'credstack-samples-'));
  try {
    const es256 = await generateLocalKey(dir, 'ES256');
    const esDid = `did:key:${publicKeyToMultikey(await es256.publicJwk())}`;
    const jwtCredential = buildOpenBadgeCredential(
      {
        id: 'urn:uuid:0b5e7a52-4c1e-4d7b-9a55-2f3c8e61a001',
        issuer: demoIssuer(esDid),
        recipient: { id: 'did:example:learner-ada' },
        achievement: DEMO_ACHIEVEMENTS[0]!,
        result: [
          { resultDescription: DEMO_ACHIEVEMENTS[0]!.resultDescription![0]!.id, value: '86' },
        ],
        creditsEarned: 2,
        validFrom: '2026-01-15T09:00:00Z',
        awardedDate: '2026-01-15T09:00:00Z',
      },
      { clock },
    );
    const jwt = await signVcJwt(jwtCredential as never, es256, {
      kid: `${esDid}#${esDid.slice('did:key:'.length)}`,
    });
    await writeFile(new URL('data-analysis-badge.jwt', outDir), `${jwt}\n`);

    const ed = await generateLocalKey(dir, 'EdDSA');
    const edDid = `did:key:${publicKeyToMultikey(await ed.publicJwk())}`;
    const diCredential = buildOpenBadgeCredential(
      {
        id: 'urn:uuid:0b5e7a52-4c1e-4d7b-9a55-2f3c8e61a002',
        issuer: demoIssuer(edDid),
        recipient: { email: 'ada.learner@mail.example', salt: 'demo-salt-0001' },
        achievement: DEMO_ACHIEVEMENTS[1]!,
        validFrom: '2026-01-15T09:00:00Z',
      },
      { clock },
    );
    const signed = await createEddsaRdfc2022Proof(diCredential as never, ed, {
      verificationMethod: `${edDid}#${edDid.slice('did:key:'.length)}`,
      created: '2026-01-15T09:00:00Z',
    });
    await writeFile(
      new URL('data-visualisation-badge.json', outDir),
      `${JSON.stringify(signed, null, 2)}\n`,
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
