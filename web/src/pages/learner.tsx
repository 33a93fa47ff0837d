import { useMemo, useState } from 'preact/hooks';
import { useLocation, useRoute } from 'preact-iso';
import { api } from '../api/client.ts';
import type { paths } from '../api/schema.d.ts';
import { session } from '../auth.ts';
import { useSignal } from '../signal.ts';
import { date, download, ErrorNote, Loaded, Page, useLoad } from '../ui.tsx';
import { VerificationResult, type VerifyResponse } from './verification.tsx';

type Credential =
  paths['/learners/{learnerId}/credentials']['get']['responses'][200]['content']['application/json']['items'][number];
type Progress =
  paths['/learners/{learnerId}/pathways']['get']['responses'][200]['content']['application/json']['items'][number];

/** A node of a pathway's requirement tree as the progress route explains it. */
interface Node {
  readonly path: string;
  readonly kind: string;
  readonly label?: string;
  /** The requirement in people's words, as the API words it. */
  readonly requirement?: string;
  readonly satisfied: boolean;
  readonly kOfN?: { readonly have: number; readonly need: number };
  readonly progress: number;
  readonly usedCredentials?: readonly string[];
  readonly children?: readonly Node[];
}

function useLearnerId(): string | undefined {
  return useSignal(session)?.learnerId;
}

/** All the learner's credentials (every page of them), for the list and for naming badges. */
function useCredentials(learnerId: string) {
  return useLoad(async () => {
    const items: Credential[] = [];
    let cursor: string | undefined;
    do {
      const { data, error } = await api.GET('/learners/{learnerId}/credentials', {
        params: { path: { learnerId }, query: cursor ? { cursor } : {} },
      });
      if (error !== undefined || !data) return { error };
      items.push(...data.items);
      cursor = data.cursor;
    } while (cursor);
    return { data: items };
  }, [learnerId]);
}

function idPart(id: string): string {
  return encodeURIComponent(id);
}

function Badges(props: { learnerId: string }) {
  const [load] = useCredentials(props.learnerId);
  const [filter, setFilter] = useState('');
  const [state, setState] = useState('all');
  const [clrError, setClrError] = useState<unknown>();
  return (
    <Page title="My badges">
      <div class="row filters">
        <label for="badge-filter">Filter by name or issuer</label>
        <input
          id="badge-filter"
          type="search"
          value={filter}
          onInput={(e) => setFilter(e.currentTarget.value)}
        />
        <label for="badge-state">Status</label>
        <select id="badge-state" value={state} onChange={(e) => setState(e.currentTarget.value)}>
          <option value="all">All</option>
          <option value="active">Active</option>
          <option value="suspended">Suspended</option>
          <option value="revoked">Revoked</option>
        </select>
        <button
          type="button"
          onClick={async () => {
            const { data, error } = await api.GET('/learners/{learnerId}/clr', {
              params: { path: { learnerId: props.learnerId } },
              parseAs: 'text',
            });
            if (error !== undefined || !data)
              return setClrError(error ?? new Error('The CLR is empty.'));
            setClrError(undefined);
            download(`${props.learnerId}-clr.jwt`, 'application/vc+jwt', data);
          }}
        >
          Download my CLR
        </button>
      </div>
      {clrError !== undefined && <ErrorNote error={clrError} />}
      <Loaded load={load} what="your badges">
        {(items) => {
          const needle = filter.trim().toLowerCase();
          const shown = items.filter(
            (c) =>
              (state === 'all' || c.state === state) &&
              (!needle ||
                `${c.achievement.name ?? ''} ${c.issuer.name ?? ''}`
                  .toLowerCase()
                  .includes(needle)),
          );
          if (items.length === 0) return <p>You have no badges yet.</p>;
          if (shown.length === 0) return <p>No badge matches the filter.</p>;
          return (
            <ul class="cards" aria-label="Badges">
              {shown.map((c) => (
                <li key={c.id} class="card badge">
                  <img src={c.links.svg} alt="" width={72} height={72} loading="lazy" />
                  <div>
                    <h2>
                      <a href={`/app/badges/${idPart(c.id)}`}>{c.achievement.name ?? 'Badge'}</a>
                    </h2>
                    <p>{c.issuer.name ?? c.issuer.id}</p>
                    <p class="muted">
                      Issued {date(c.issuedAt)} · <span class={`state ${c.state}`}>{c.state}</span>
                      {c.award ? ' · stack credential' : ''}
                    </p>
                  </div>
                </li>
              ))}
            </ul>
          );
        }}
      </Loaded>
    </Page>
  );
}

/** The LinkedIn add-to-profile link for a badge (its public page as the certificate URL). */
export function linkedInUrl(c: Credential, publicUrl: string): string {
  const issued = new Date(c.issuedAt);
  const params = new URLSearchParams({
    startTask: 'CERTIFICATION_NAME',
    name: c.achievement.name ?? 'Badge',
    organizationName: c.issuer.name ?? c.issuer.id,
    issueYear: String(issued.getUTCFullYear()),
    issueMonth: String(issued.getUTCMonth() + 1),
    certUrl: publicUrl,
    certId: c.id,
  });
  if (c.validUntil) {
    const until = new Date(c.validUntil);
    params.set('expirationYear', String(until.getUTCFullYear()));
    params.set('expirationMonth', String(until.getUTCMonth() + 1));
  }
  return `https://www.linkedin.com/profile/add?${params}`;
}

function Badge(props: { learnerId: string }) {
  const { params } = useRoute();
  const id = decodeURIComponent(params.id ?? '');
  const [load] = useCredentials(props.learnerId);
  const [check] = useLoad<VerifyResponse>(async () => {
    const jwt = await fetch(`/credentials/${idPart(id)}/credential.jwt`);
    const credential = jwt.ok
      ? await jwt.text()
      : await (await fetch(`/credentials/${idPart(id)}`)).json();
    return api.POST('/credentials/verify', { body: { verifiableCredential: credential } });
  }, [id]);
  const [document] = useLoad<Record<string, unknown>>(async () => {
    const response = await fetch(`/credentials/${idPart(id)}`);
    return response.ok ? { data: await response.json() } : { error: await response.json() };
  }, [id]);
  return (
    <Loaded load={load} what="the badge">
      {(items) => {
        const c = items.find((i) => i.id === id);
        if (!c) return <ErrorNote error={new Error('You hold no badge with this id.')} />;
        const subject = (document.state === 'ok' ? document.data.credentialSubject : undefined) as
          | {
              result?: { value?: string; resultDescription?: string }[];
              achievement?: { criteria?: { narrative?: string } };
            }
          | undefined;
        const evidence = (document.state === 'ok' ? document.data.evidence : undefined) as
          | { id?: string; name?: string; narrative?: string }[]
          | undefined;
        return (
          <Page title={c.achievement.name ?? 'Badge'}>
            <div class="badge-head">
              <img src={c.links.svg} alt={c.achievement.name ?? 'Badge'} width={160} height={160} />
              <dl>
                <dt>Issuer</dt>
                <dd>{c.issuer.name ?? c.issuer.id}</dd>
                <dt>Issued</dt>
                <dd>{date(c.issuedAt)}</dd>
                {c.validUntil && (
                  <>
                    <dt>Valid until</dt>
                    <dd>{date(c.validUntil)}</dd>
                  </>
                )}
                <dt>Status</dt>
                <dd class={`state ${c.state}`}>{c.state}</dd>
              </dl>
            </div>
            <h2>Is it genuine?</h2>
            <Loaded load={check} what="the verification">
              {(result) => <VerificationResult result={result} />}
            </Loaded>
            {subject?.result && subject.result.length > 0 && (
              <>
                <h2>Results</h2>
                <ul>
                  {subject.result.map((r, i) => (
                    <li key={String(i)}>{r.value}</li>
                  ))}
                </ul>
              </>
            )}
            {subject?.achievement?.criteria?.narrative && (
              <>
                <h2>What it took</h2>
                <p>{subject.achievement.criteria.narrative}</p>
              </>
            )}
            {evidence && evidence.length > 0 && (
              <>
                <h2>Evidence</h2>
                <ul>
                  {evidence.map((e, i) => (
                    <li key={String(i)}>
                      {e.id ? <a href={e.id}>{e.name ?? e.id}</a> : (e.name ?? e.narrative)}
                    </li>
                  ))}
                </ul>
              </>
            )}
            <h2>Share and download</h2>
            <ul class="links">
              <li>
                <a href={c.links.verify}>Public verification page</a> (the link to share)
              </li>
              <li>
                <a href={linkedInUrl(c, c.links.verify)} rel="noopener noreferrer" target="_blank">
                  Add to LinkedIn profile
                </a>
              </li>
              <li>
                <a href={c.links.png} download>
                  Badge image with the credential inside (PNG)
                </a>
              </li>
              <li>
                <a href={c.links.svg} download>
                  Badge image with the credential inside (SVG)
                </a>
              </li>
              <li>
                <a href={c.links.json} download>
                  Credential (JSON)
                </a>
              </li>
              {c.links.jwt && (
                <li>
                  <a href={c.links.jwt} download>
                    Credential (JWT)
                  </a>
                </li>
              )}
            </ul>
          </Page>
        );
      }}
    </Loaded>
  );
}

const KIND_TITLES: Record<string, string> = {
  allOf: 'All of these',
  anyOf: 'Any one of these',
  nOf: 'Some of these',
  achievement: 'A badge',
  skill: 'A skill',
  credits: 'Credits',
  pathway: 'Another stack',
};

function Requirement(props: { node: Node; names: Map<string, string>; depth: number }) {
  const { node } = props;
  const title = node.requirement ?? node.label ?? KIND_TITLES[node.kind] ?? node.kind;
  const used = (node.usedCredentials ?? []).map((id) => props.names.get(id) ?? id);
  return (
    <li class={node.satisfied ? 'req met' : 'req open'}>
      <span class="req-mark" aria-hidden="true">
        {node.satisfied ? '✓' : '○'}
      </span>{' '}
      <strong>{title}</strong>
      {node.kOfN && (
        <span>
          {' '}
          — {Math.min(node.kOfN.have, node.kOfN.need)} of {node.kOfN.need}
          {node.kind === 'credits' ? ' credits' : ''}
        </span>
      )}
      <span class="visually-hidden">{node.satisfied ? ' (met)' : ' (not yet met)'}</span>
      {node.kind !== 'allOf' && node.kind !== 'nOf' && used.length > 0 && (
        <span class="muted"> · met by {used.join(', ')}</span>
      )}
      {node.children && node.children.length > 0 && (
        <ul>
          {node.children.map((child) => (
            <Requirement
              key={child.path}
              node={child}
              names={props.names}
              depth={props.depth + 1}
            />
          ))}
        </ul>
      )}
    </li>
  );
}

function WhatIf(props: { learnerId: string; item: Progress; names: Map<string, string> }) {
  const [achievement, setAchievement] = useState('');
  const [answer, setAnswer] = useState<string>();
  const [error, setError] = useState<unknown>();
  const fieldId = `whatif-${props.item.pathway.id}`;
  return (
    <form
      class="row"
      onSubmit={async (e) => {
        e.preventDefault();
        setError(undefined);
        const { data, error: failed } = await api.POST(
          '/learners/{learnerId}/pathways/{issuerId}/{pathwayId}/what-if',
          {
            params: {
              path: {
                learnerId: props.learnerId,
                issuerId: props.item.issuerId,
                pathwayId: props.item.pathway.id,
              },
            },
            body: { achievements: [achievement.trim()] },
          },
        );
        if (failed !== undefined) return setError(failed);
        const result = data as { satisfied?: boolean; progress?: number };
        setAnswer(
          result.satisfied
            ? 'With that badge you would complete this stack.'
            : `With that badge you would be at ${result.progress ?? '?'}%.`,
        );
      }}
    >
      <label for={fieldId}>What if I earned</label>
      <select
        id={fieldId}
        value={achievement}
        onChange={(e) => setAchievement(e.currentTarget.value)}
        required
      >
        <option value="">Choose a badge…</option>
        {[...props.names].map(([id, name]) => (
          <option key={id} value={id}>
            {name}
          </option>
        ))}
      </select>
      <button type="submit">Try it (nothing is saved)</button>
      {answer && <p aria-live="polite">{answer}</p>}
      {error !== undefined && <ErrorNote error={error} />}
    </form>
  );
}

type Achievement =
  paths['/issuers/{issuerId}/achievements']['get']['responses'][200]['content']['application/json']['items'][number];

/** The achievements of the issuers behind the learner's stacks, by id: names for next steps. */
function useAchievements(issuerIds: readonly string[]) {
  return useLoad(async () => {
    const byId = new Map<string, string>();
    for (const issuerId of issuerIds) {
      const { data } = await api.GET('/issuers/{issuerId}/achievements', {
        params: { path: { issuerId } },
      });
      for (const a of (data?.items ?? []) as Achievement[]) byId.set(a.id, a.definition.name);
    }
    return { data: byId };
  }, [issuerIds.join(',')]);
}

function Stacks(props: { learnerId: string }) {
  const [load] = useLoad(
    () =>
      api.GET('/learners/{learnerId}/pathways', {
        params: { path: { learnerId: props.learnerId } },
      }),
    [props.learnerId],
  );
  const [credentials] = useCredentials(props.learnerId);
  const names = useMemo(
    () =>
      new Map(
        credentials.state === 'ok'
          ? credentials.data.map((c) => [c.id, c.achievement.name ?? c.id] as const)
          : [],
      ),
    [credentials],
  );
  const issuerIds = load.state === 'ok' ? [...new Set(load.data.items.map((i) => i.issuerId))] : [];
  const [achievements] = useAchievements(issuerIds);
  const achievementNames =
    achievements.state === 'ok' ? achievements.data : new Map<string, string>();
  return (
    <Page title="My stacks">
      <Loaded load={load} what="your stacks">
        {(data) =>
          data.items.length === 0 ? (
            <p>No stack has been published for you yet.</p>
          ) : (
            data.items.map((item) => {
              const root = item.explanation as unknown as Node;
              const heading = `stack-${item.pathway.id}`;
              return (
                <article
                  key={`${item.issuerId}/${item.pathway.id}`}
                  class="card"
                  aria-labelledby={heading}
                >
                  <h2 id={heading}>{item.pathway.name}</h2>
                  <p>
                    {item.satisfied
                      ? 'Complete: the stack credential is yours.'
                      : `${item.progress}% complete`}
                  </p>
                  <progress
                    max={100}
                    value={item.progress}
                    aria-label={`${item.pathway.name} progress`}
                  >
                    {item.progress}%
                  </progress>
                  {item.nextSteps.length > 0 && (
                    <>
                      <h3>Next steps</h3>
                      <ul>
                        {item.nextSteps.map((step) => (
                          <Step key={step.path} step={step} names={achievementNames} />
                        ))}
                      </ul>
                    </>
                  )}
                  <details open={!item.satisfied}>
                    <summary>Why: the requirements</summary>
                    <ul class="tree">
                      <Requirement node={root} names={names} depth={0} />
                    </ul>
                  </details>
                  {!item.satisfied && (
                    <WhatIf learnerId={props.learnerId} item={item} names={achievementNames} />
                  )}
                </article>
              );
            })
          )
        }
      </Loaded>
    </Page>
  );
}

/** One achievement that would meet a step, as the API lists it. */
interface StepOption {
  readonly achievementId: string;
  readonly name: string;
  readonly url: string;
  readonly issuer: { readonly name: string };
  readonly credits?: number;
}

/** A next step: the API's words, and the badges that would meet it (where to earn them). */
function Step(props: { step: Record<string, unknown>; names: Map<string, string> }) {
  const options = Array.isArray(props.step.options) ? (props.step.options as StepOption[]) : [];
  return (
    <li>
      {typeof props.step.requirement === 'string'
        ? `Meet “${props.step.requirement}”.`
        : describeStep(props.step, props.names)}
      {options.length > 0 && (
        <ul>
          {options.map((option) => (
            <li key={option.achievementId}>
              <a href={option.url}>{option.name}</a> ({option.issuer.name}
              {option.credits === undefined
                ? ''
                : `, ${option.credits} credit${option.credits === 1 ? '' : 's'}`}
              )
            </li>
          ))}
        </ul>
      )}
    </li>
  );
}

function describeStep(step: Record<string, unknown>, names: Map<string, string>): string {
  const achievement =
    typeof step.achievementId === 'string' ? names.get(step.achievementId) : undefined;
  switch (step.kind) {
    case 'credits': {
      const needed = typeof step.creditsNeeded === 'number' ? step.creditsNeeded : undefined;
      return needed === undefined
        ? 'Earn more credits.'
        : `Earn ${needed} more credit${needed === 1 ? '' : 's'} from electives.`;
    }
    case 'achievement':
      return `Earn “${achievement ?? 'the badge this requirement names'}”.`;
    case 'skill':
      return `Show the skill ${typeof step.skill === 'string' ? step.skill : 'this requirement names'} with a badge.`;
    default:
      return `Complete the stack ${typeof step.pathwayId === 'string' ? `“${step.pathwayId}”` : 'it requires'}.`;
  }
}

/** Reads a dropped or chosen file as base64 for the import route. */
async function base64Of(file: File): Promise<string> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000)
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

function ImportBadge(props: { learnerId: string }) {
  const [url, setUrl] = useState('');
  const [report, setReport] = useState<string>();
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  async function send(body: { file: string } | { url: string }) {
    setBusy(true);
    setError(undefined);
    setReport(undefined);
    const { data, error: failed } = await api.POST('/learners/{learnerId}/imports', {
      params: { path: { learnerId: props.learnerId } },
      body,
    });
    setBusy(false);
    if (failed !== undefined) return setError(failed);
    setReport(
      `Added “${data.achievement.name ?? 'the badge'}” from ${data.issuer.name ?? data.issuer.id ?? 'its issuer'}: ${
        data.state === 'verified' ? 'it verified' : 'it did not verify'
      } (${data.report.checks.filter((c) => c.outcome === 'passed').length} checks passed).`,
    );
  }
  return (
    <Page title="Add a badge from elsewhere">
      <p>
        Add a badge another issuer gave you: a JSON or JWT file, a baked PNG or SVG image, or a
        link. It is verified first; a badge that does not verify, or whose key does not belong to
        its issuer, is refused and nothing is stored.
      </p>
      <form
        class="drop card"
        onDragOver={(e) => e.preventDefault()}
        onDrop={async (e) => {
          e.preventDefault();
          const file = e.dataTransfer?.files[0];
          if (file) await send({ file: await base64Of(file) });
        }}
      >
        <label for="import-file">Drop a badge file here or choose one</label>
        <input
          id="import-file"
          type="file"
          accept=".json,.jwt,.png,.svg"
          onChange={async (e) => {
            const file = e.currentTarget.files?.[0];
            if (file) await send({ file: await base64Of(file) });
          }}
        />
      </form>
      <form
        class="row"
        onSubmit={(e) => {
          e.preventDefault();
          void send({ url });
        }}
      >
        <label for="import-url">Or the badge's link (https)</label>
        <input
          id="import-url"
          type="url"
          value={url}
          onInput={(e) => setUrl(e.currentTarget.value)}
          required
        />
        <button type="submit" disabled={busy}>
          Add from link
        </button>
      </form>
      {busy && <p aria-busy="true">Verifying…</p>}
      {report && (
        <p class="verdict ok" role="status">
          {report}
        </p>
      )}
      {error !== undefined && (
        <div role="alert">
          <p>The badge was not added.</p>
          <ErrorNote error={error} />
        </div>
      )}
    </Page>
  );
}

type Consent =
  paths['/learners/{learnerId}/consent']['get']['responses'][200]['content']['application/json'];

/** A consent receipt in the spirit of ISO/IEC TS 27560: who agreed to what, with whom, when. */
export function consentReceipt(
  learnerId: string,
  consent: Consent,
  now: Date,
): Record<string, unknown> {
  const c = consent as Record<string, unknown>;
  return {
    receiptType: 'credstack consent receipt',
    issuedAt: now.toISOString(),
    subject: { learnerId, displayName: c.displayName },
    controller: { name: 'credstack', tenant: c.tenantId },
    purpose: 'Let employers find me by the skills my verified badges show (candidate search).',
    employers: c.employers ?? 'none',
    from: c.givenAt,
    until: c.until ?? null,
    withdrawn: c.state === 'withdrawn' ? (c.withdrawnAt ?? c.updatedAt) : null,
    state: c.state,
  };
}

function Privacy(props: { learnerId: string }) {
  const [load, reload] = useLoad(
    () =>
      api.GET('/learners/{learnerId}/consent', {
        params: { path: { learnerId: props.learnerId } },
      }),
    [props.learnerId],
  );
  const [activity] = useLoad(
    () =>
      api.GET('/learners/{learnerId}/search-activity', {
        params: { path: { learnerId: props.learnerId } },
      }),
    [props.learnerId, load.state],
  );
  const [who, setWho] = useState<'all' | 'named'>('all');
  const [names, setNames] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [until, setUntil] = useState('');
  const [error, setError] = useState<unknown>();
  const [saved, setSaved] = useState<string>();

  async function give(e: Event) {
    e.preventDefault();
    setError(undefined);
    const employers =
      who === 'all'
        ? 'all'
        : names
            .split(',')
            .map((n) => n.trim())
            .filter(Boolean);
    const { error: failed } = await api.PUT('/learners/{learnerId}/consent', {
      params: { path: { learnerId: props.learnerId } },
      body: {
        displayName: displayName.trim(),
        employers,
        ...(until ? { until: new Date(`${until}T23:59:59Z`).toISOString() } : {}),
      },
    });
    if (failed !== undefined) return setError(failed);
    setSaved('Saved: employers you chose can now find you.');
    reload();
  }

  async function withdraw() {
    setError(undefined);
    const { error: failed } = await api.DELETE('/learners/{learnerId}/consent', {
      params: { path: { learnerId: props.learnerId } },
    });
    if (failed !== undefined) return setError(failed);
    setSaved('Withdrawn: no employer can find you any more.');
    reload();
  }

  return (
    <Page title="Privacy">
      <Loaded load={load} what="your choices">
        {(consent) => {
          const c = consent as Record<string, unknown>;
          const given = c.state === 'given';
          return (
            <div class="card">
              <p>
                {given
                  ? `Employers can find you as “${String(c.displayName)}”: ${
                      c.employers === 'all'
                        ? 'every employer'
                        : `only ${(c.employers as string[]).join(', ')}`
                    }${c.until ? `, until ${date(String(c.until))}` : ''}.`
                  : 'No employer can find you.'}
              </p>
              <div class="row">
                {given && (
                  <button type="button" onClick={withdraw}>
                    Withdraw consent
                  </button>
                )}
                <button
                  type="button"
                  onClick={() =>
                    download(
                      `consent-receipt-${props.learnerId}.json`,
                      'application/json',
                      JSON.stringify(consentReceipt(props.learnerId, consent, new Date()), null, 2),
                    )
                  }
                >
                  Download consent receipt
                </button>
              </div>
            </div>
          );
        }}
      </Loaded>
      {saved && <p role="status">{saved}</p>}
      <h2>Let employers find me</h2>
      <form onSubmit={give} class="stack-form">
        <label for="display-name">Name employers see</label>
        <input
          id="display-name"
          value={displayName}
          onInput={(e) => setDisplayName(e.currentTarget.value)}
          aria-describedby="display-name-error"
        />
        <fieldset>
          <legend>Which employers</legend>
          <label>
            <input type="radio" name="who" checked={who === 'all'} onChange={() => setWho('all')} />{' '}
            All employers
          </label>
          <label>
            <input
              type="radio"
              name="who"
              checked={who === 'named'}
              onChange={() => setWho('named')}
            />{' '}
            Only these
          </label>
        </fieldset>
        {who === 'named' && (
          <>
            <label for="employer-names">Employer ids, separated by commas</label>
            <input
              id="employer-names"
              value={names}
              onInput={(e) => setNames(e.currentTarget.value)}
            />
          </>
        )}
        <label for="consent-until">Until (optional)</label>
        <input
          id="consent-until"
          type="date"
          value={until}
          onInput={(e) => setUntil(e.currentTarget.value)}
        />
        {error !== undefined && (
          <p id="display-name-error" class="error" role="alert">
            {errorText(error)}
          </p>
        )}
        <button type="submit">Save</button>
      </form>
      <h2>Who looked</h2>
      <Loaded load={activity} what="search activity">
        {(data) =>
          data.items.length === 0 ? (
            <p>No employer has found or viewed you yet.</p>
          ) : (
            <table>
              <caption class="visually-hidden">Search activity</caption>
              <thead>
                <tr>
                  <th scope="col">When</th>
                  <th scope="col">Employer</th>
                  <th scope="col">What</th>
                </tr>
              </thead>
              <tbody>
                {data.items.map((a, i) => (
                  <tr key={String(i)}>
                    <td>{date(a.at)}</td>
                    <td>{a.employerId}</td>
                    <td>
                      {a.kind === 'search-hit'
                        ? 'found you in a search'
                        : a.kind === 'profile-view'
                          ? 'viewed your profile'
                          : 'exported you'}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )
        }
      </Loaded>
    </Page>
  );
}

function errorText(error: unknown): string {
  const problem = error as { detail?: string; errors?: { pointer?: string; detail?: string }[] };
  const fields = (problem.errors ?? []).map(
    (e) => `${e.pointer === '/displayName' ? 'Name' : (e.pointer ?? '')}: ${e.detail ?? ''}`,
  );
  return [problem.detail ?? 'The request failed.', ...fields].join(' ');
}

/** Each learner page asks for a signed-in learner first; the pages share one lazy chunk. */
function learnerPage(Inner: (props: { learnerId: string }) => preact.JSX.Element) {
  return function LearnerPage() {
    const learnerId = useLearnerId();
    const { url } = useLocation();
    if (!learnerId)
      return (
        <Page title="Sign in as a learner">
          <p>
            This page is for learners.{' '}
            <a href={`/app/sign-in?return=${encodeURIComponent(url)}`}>Sign in</a> to see it.
          </p>
        </Page>
      );
    return <Inner learnerId={learnerId} />;
  };
}

export const BadgesPage = learnerPage(Badges);
export const BadgePage = learnerPage(Badge);
export const StacksPage = learnerPage(Stacks);
export const ImportPage = learnerPage(ImportBadge);
export const PrivacyPage = learnerPage(Privacy);
