import { execFile } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocument } from '@aws-sdk/lib-dynamodb';
import { calculateJwkThumbprint, type JWK, SignJWT } from 'jose';
import { dynamoServiceContext } from '#functions/service-context.ts';
import { type DynamoDbLocal, ensureTable, startDynamoDbLocal } from '#local/dynamodb-local.ts';
import { DEMO_LEARNERS, seedDemoTenant } from '#local/seed.ts';
import { LocalKeyVault } from '#shared/adapters/key-files/local-key-vault.ts';
import { generateLocalKey } from '#shared/adapters/key-files/local-signer.ts';
import { systemClock } from '#shared/core/clock.ts';
import { signVcJwt } from '#shared/credentials/proof/vc-jwt-sign.ts';
import type { ServiceContext } from '#shared/domain/ports/service-context.ts';
import { EmbeddedSearchIndex } from '#shared/search/embedded/embedded-search-index.ts';
import { LAMBDA_NODE_OPTIONS } from '../infra/bundling/lambda-build.ts';

/**
 * The world a cold-started function meets in the cold-start benchmark (bench/cold-start.ts),
 * all on this machine: DynamoDB Local with the service's table and the demo tenant in it (the
 * same use cases as `npm start` wrote it), an identity provider whose JWKS is served over
 * HTTPS on loopback (a self-signed certificate the child trusts through NODE_EXTRA_CA_CERTS),
 * and bearer tokens it signed. Each function is then given the environment Lambda would give
 * it, pointed at these instead of AWS and Cognito.
 */

const run = promisify(execFile);

/** Issuer and audience the functions are configured with; the tokens carry the same. */
const OIDC_ISSUER = 'https://id.credstack.test';
const OIDC_AUDIENCE = 'credstack-api';
/** What credential ids and the issuer's did:web derive from, in the seed and the functions. */
const BASE_URL = 'https://api.credstack.test';
const TABLE_NAME = 'credstack-cold-start';

export interface ColdStartWorld {
  /** The environment of every child: the function's variables, AWS pointed at loopback. */
  readonly env: Readonly<Record<string, string>>;
  readonly issuerId: string;
  readonly learnerId: string;
  /** An achievement of the demo issuer (VC-JWT proofs). */
  readonly achievementId: string;
  /**
   * One of the demo issuer's credentials, re-issued by a did:jwk issuer (its key is in its
   * DID, so verifying it needs no network) and without a status entry: the service's own
   * status lists are signed by the issuing function, which the verification function, holding
   * no issuer key, reaches over HTTPS, and there is no network here.
   */
  readonly didJwkCredential: string;
  /**
   * A DynamoDB stream record of one of a learner's credentials as the table holds it (an
   * INSERT): the pathway consumer evaluates the learner's pathways over the table and awards
   * nothing (the learner is a badge short of every stack), so no issuer key is needed.
   */
  readonly credentialInsert: object;
  /** A bearer token with the given credstack roles and scopes. */
  token(claims: Readonly<Record<string, unknown>>): Promise<string>;
  stop(): Promise<void>;
}

async function selfSignedCertificate(dir: string): Promise<{ key: string; cert: string }> {
  const keyFile = join(dir, 'jwks-key.pem');
  const certFile = join(dir, 'jwks-cert.pem');
  await run('openssl', [
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:P-256',
    '-nodes',
    '-days',
    '1',
    '-subj',
    '/CN=127.0.0.1',
    '-addext',
    'subjectAltName=IP:127.0.0.1',
    '-keyout',
    keyFile,
    '-out',
    certFile,
  ]);
  return { key: await readFile(keyFile, 'utf8'), cert: await readFile(certFile, 'utf8') };
}

function listen(server: Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
  });
}

/** The first VC-JWT credential the seed issued to `learnerId`, re-issued by a did:jwk. */
async function didJwkCredential(
  ctx: ServiceContext,
  learnerId: string,
  dir: string,
): Promise<string> {
  const { items } = await ctx.credentials.listByLearner(learnerId);
  const jwt = items.find((record) => record.proofFormat === 'vc-jwt')?.signed;
  if (jwt === undefined) throw new Error(`the seed issued no VC-JWT credential to ${learnerId}`);
  const {
    credentialStatus: _status,
    // The JWT claims signVcJwt derives again from the credential.
    iss: _iss,
    nbf: _nbf,
    jti: _jti,
    sub: _sub,
    exp: _exp,
    iat: _iat,
    issuer,
    ...credential
  } = JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString('utf8')) as Record<
    string,
    unknown
  >;
  const signer = await generateLocalKey(join(dir, 'did-jwk'), 'ES256');
  const { kty, crv, x, y } = (await signer.publicJwk()) as JWK;
  const did = `did:jwk:${Buffer.from(JSON.stringify({ kty, crv, x, y })).toString('base64url')}`;
  return signVcJwt({ ...credential, issuer: { ...(issuer as object), id: did } }, signer, {
    kid: `${did}#0`,
  });
}

async function credentialInsertOf(
  ctx: ServiceContext,
  client: DynamoDBClient,
  learnerId: string,
): Promise<object> {
  const [record] = (await ctx.credentials.listByLearner(learnerId)).items;
  if (record === undefined) throw new Error(`the seed issued no credential to ${learnerId}`);
  const Key = { PK: { S: `CRED#${record.id}` }, SK: { S: 'CRED' } };
  const { Item } = await client.send(new GetItemCommand({ TableName: TABLE_NAME, Key }));
  if (Item === undefined) throw new Error(`credential ${record.id} is not in the table`);
  return {
    Records: [
      {
        eventID: 'cold-start-1',
        eventName: 'INSERT',
        eventSource: 'aws:dynamodb',
        awsRegion: 'eu-west-1',
        dynamodb: {
          Keys: Key,
          NewImage: Item,
          SequenceNumber: '100',
          StreamViewType: 'NEW_AND_OLD_IMAGES',
        },
      },
    ],
  };
}

/**
 * Starts DynamoDB Local, seeds the demo tenant, serves the token issuer's JWKS on loopback.
 *
 * @example
 * const world = await startColdStartWorld(dir);
 * try { … } finally { await world.stop(); }
 */
export async function startColdStartWorld(dir: string): Promise<ColdStartWorld> {
  const db: DynamoDbLocal = await startDynamoDbLocal({ readyTimeoutMs: 180_000 });
  let server: Server | undefined;
  try {
    const client = new DynamoDBClient(db.clientConfig);
    await ensureTable(client, TABLE_NAME);
    const documents = DynamoDBDocument.from(client, {
      marshallOptions: { removeUndefinedValues: true },
    });
    const ctx = dynamoServiceContext({
      documents,
      tableName: TABLE_NAME,
      vault: new LocalKeyVault({ dir: join(dir, 'issuer-keys') }),
      baseUrl: BASE_URL,
      clock: systemClock,
      // The seed's consents reindex learners; the candidate index itself is not measured here.
      searchIndex: new EmbeddedSearchIndex(),
    });
    const { issuerId, achievements } = await seedDemoTenant(ctx);
    const achievementId = achievements[0]!.id;
    const learnerId = DEMO_LEARNERS[0].id;
    const credential = await didJwkCredential(ctx, learnerId, dir);
    const credentialInsert = await credentialInsertOf(ctx, client, DEMO_LEARNERS[1].id);
    client.destroy();

    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const { kty, crv, x, y } = publicKey.export({ format: 'jwk' }) as JWK;
    const kid = await calculateJwkThumbprint({ kty, crv, x, y } as JWK);
    const jwks = JSON.stringify({ keys: [{ kty, crv, x, y, kid, alg: 'ES256', use: 'sig' }] });
    const tls = await selfSignedCertificate(dir);
    const caFile = join(dir, 'jwks-ca.pem');
    await writeFile(caFile, tls.cert);
    server = createServer(tls, (_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' }).end(jwks);
    });
    const port = await listen(server);
    const running = server;

    const env: Record<string, string> = {
      TABLE_NAME,
      BASE_URL,
      OIDC_ISSUER,
      OIDC_AUDIENCE,
      OIDC_JWKS_URL: `https://127.0.0.1:${port}/.well-known/jwks.json`,
      STAGE: 'bench',
      AWS_REGION: 'eu-west-1',
      // As the Lambda runtime sets them from the execution role; DynamoDB Local checks neither.
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
      AWS_ENDPOINT_URL_DYNAMODB: db.endpoint,
      SEARCH_ENDPOINT: 'https://search.credstack.invalid',
      NODE_EXTRA_CA_CERTS: caFile,
      NODE_OPTIONS: LAMBDA_NODE_OPTIONS,
    };
    return {
      env,
      issuerId,
      learnerId,
      achievementId,
      didJwkCredential: credential,
      credentialInsert,
      token: async (claims) => {
        const now = Math.floor(Date.now() / 1000);
        return new SignJWT({ ...claims })
          .setProtectedHeader({ alg: 'ES256', kid, typ: 'JWT' })
          .setIssuer(OIDC_ISSUER)
          .setAudience(OIDC_AUDIENCE)
          .setSubject('cold-start-bench')
          .setIssuedAt(now)
          .setExpirationTime(now + 3600)
          .sign(privateKey);
      },
      stop: async () => {
        running.closeAllConnections();
        await new Promise<void>((resolve) => running.close(() => resolve()));
        await db.stop();
      },
    };
  } catch (error) {
    server?.close();
    await db.stop();
    throw error;
  }
}
