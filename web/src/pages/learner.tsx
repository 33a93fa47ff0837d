import { useMemo, useState } from 'preact/hooks';
import { useLocation, useRoute } from 'preact-iso';
import { api } from '../api/client.ts';
import type { paths } from '../api/schema.d.ts';
import { session } from '../auth.ts';
import { linkedInUrl } from '../linkedin.ts';
import { useSignal } from '../signal.ts';
import { Busy, date, download, ErrorNote, type Load, Loaded, Page, useLoad } from '../ui.tsx';
import { ImportBadge } from './import-badge.tsx';
import { Privacy } from './privacy.tsx';
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
  const [clrBusy, setClrBusy] = useState(false);
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
          disabled={clrBusy}
          onClick={async () => {
            // The CLR is signed on request, over every badge: it can take a while.
            setClrBusy(true);
            const { data, error } = await api.GET('/learners/{learnerId}/clr', {
              params: { path: { learnerId: props.learnerId } },
              parseAs: 'text',
            });
            setClrBusy(false);
            if (error !== undefined || !data)
              return setClrError(error ?? new Error('The CLR is empty.'));
            setClrError(undefined);
            download(`${props.learnerId}-clr.jwt`, 'application/vc+jwt', data);
          }}
        >
          Download my CLR
        </button>
      </div>
      {clrBusy && <Busy label="Preparing your CLR…" />}
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

/**
 * The badge's standing in one line at the top: never "valid" unless the issuer's record says
 * active and the verification just run passed; revoked, suspended, failed or unchecked say so,
 * in words a learner reads (who withdrew it), not the status list's address and entry.
 */
function BadgeStanding(props: { state: string; issuer: string; check: Load<VerifyResponse> }) {
  // The learner's credential list has no date for the change, so the sentence names none.
  if (props.state === 'revoked')
    return (
      <p class="verdict bad" role="alert">
        This badge was revoked by {props.issuer}. It is no longer valid, so it cannot be shared as
        proof.
      </p>
    );
  if (props.state === 'suspended')
    return (
      <p class="verdict bad" role="alert">
        This badge was suspended by {props.issuer}. It is not valid until they reinstate it, so it
        cannot be shared for now.
      </p>
    );
  if (props.check.state === 'loading')
    return (
      <p class="muted" aria-busy="true">
        Checking this badge…
      </p>
    );
  if (props.check.state === 'error')
    return (
      <p class="verdict bad" role="alert">
        This badge could not be checked just now, so it is not shown as valid.
      </p>
    );
  return props.check.data.verified ? (
    <p class="verdict ok">Valid: checked just now.</p>
  ) : (
    <p class="verdict bad" role="alert">
      Not valid: this badge did not verify, so it cannot be shared as proof.
    </p>
  );
}

/** Why a badge did not verify, as a learner would say it; the check's own reasons sit below. */
function notGenuine(state: string, result: VerifyResponse): string {
  const report = result.report as { checks?: { id: string; outcome: string }[] } | undefined;
  const failed = new Set(
    (report?.checks ?? []).filter((c) => c.outcome === 'failed').map((c) => c.id),
  );
  if (failed.has('status'))
    return state === 'suspended'
      ? 'No: the issuer has suspended it, and the check of their records says so.'
      : 'No: the issuer has revoked it, and the check of their records says so.';
  if (failed.has('expiration')) return 'No: it has expired.';
  if (failed.has('proof')) return 'No: its signature does not match, so it may have been changed.';
  return 'No: it did not pass every check; the technical details say which and why.';
}

/**
 * Whether the badge may be offered for sharing: only when the issuer's record says active and
 * the verification just run passed. A revoked, suspended, failing or unchecked badge is not
 * put on a profile or sent as a link, even while the check is still running.
 */
function shareable(state: string, check: Load<VerifyResponse>): boolean {
  return state === 'active' && check.state === 'ok' && check.data.verified;
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
              result?: { value?: string; status?: string; resultDescription?: string }[];
              achievement?: {
                criteria?: { narrative?: string };
                resultDescription?: { id?: string; name?: string }[];
              };
            }
          | undefined;
        const evidence = (document.state === 'ok' ? document.data.evidence : undefined) as
          | { id?: string; name?: string; narrative?: string; description?: string }[]
          | undefined;
        const resultNames = new Map(
          (subject?.achievement?.resultDescription ?? []).map((d) => [d.id, d.name]),
        );
        return (
          <Page title={c.achievement.name ?? 'Badge'}>
            <BadgeStanding state={c.state} issuer={c.issuer.name ?? c.issuer.id} check={check} />
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
              {(result) =>
                result.verified ? (
                  <VerificationResult result={result} />
                ) : (
                  // The verdict above says it in words; the checks' reasons (the status list's
                  // address, its entry, key ids) are for whoever asks, folded away.
                  <>
                    <p>{notGenuine(c.state, result)}</p>
                    <details class="technical">
                      <summary>Technical details</summary>
                      <VerificationResult result={result} />
                    </details>
                  </>
                )
              }
            </Loaded>
            <h2>Results</h2>
            {document.state === 'loading' ? (
              <p class="muted" aria-busy="true">
                Loading the results…
              </p>
            ) : subject?.result && subject.result.length > 0 ? (
              <ul>
                {subject.result.map((r, i) => (
                  <li key={String(i)}>
                    {r.resultDescription && resultNames.get(r.resultDescription)
                      ? `${resultNames.get(r.resultDescription)}: `
                      : ''}
                    {r.value ?? r.status ?? 'recorded'}
                  </li>
                ))}
              </ul>
            ) : (
              <p class="muted">This badge records no results.</p>
            )}
            {subject?.achievement?.criteria?.narrative && (
              <>
                <h2>What it took</h2>
                <p>{subject.achievement.criteria.narrative}</p>
              </>
            )}
            <h2>Evidence</h2>
            {evidence && evidence.length > 0 ? (
              <ul>
                {evidence.map((e, i) => (
                  <li key={String(i)}>
                    {e.id ? <a href={e.id}>{e.name ?? e.id}</a> : (e.name ?? 'Evidence')}
                    {(e.narrative ?? e.description) && ` — ${e.narrative ?? e.description}`}
                  </li>
                ))}
              </ul>
            ) : document.state === 'loading' ? null : (
              <p class="muted">No evidence is attached to this badge.</p>
            )}
            {shareable(c.state, check) ? (
              <>
                <h2>Share and download</h2>
                <ul class="links">
                  <li>
                    <a href={c.links.verify}>Public verification page</a> (the link to share)
                  </li>
                  <li>
                    <a
                      href={linkedInUrl({
                        name: c.achievement.name ?? 'Badge',
                        organisation: c.issuer.name ?? c.issuer.id,
                        issuedAt: c.issuedAt,
                        ...(c.validUntil ? { validUntil: c.validUntil } : {}),
                        url: c.links.verify,
                        id: c.id,
                      })}
                      rel="noopener noreferrer"
                      target="_blank"
                    >
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
                  <CredentialDownloads links={c.links} />
                </ul>
              </>
            ) : (
              <>
                <h2>Your copy</h2>
                <p class="muted">
                  {check.state !== 'ok' && c.state === 'active'
                    ? 'Sharing is offered once the check above passes.'
                    : 'Sharing is off: a badge that does not verify is not offered as proof.'}{' '}
                  You can still keep the credential file for your records.
                </p>
                <ul class="links">
                  <CredentialDownloads links={c.links} />
                </ul>
              </>
            )}
          </Page>
        );
      }}
    </Loaded>
  );
}

/** The credential's own files: a learner's record, kept whatever the badge's standing. */
function CredentialDownloads(props: { links: Credential['links'] }) {
  return (
    <>
      <li>
        <a href={props.links.json} download>
          Credential (JSON)
        </a>
      </li>
      {props.links.jwt && (
        <li>
          <a href={props.links.jwt} download>
            Credential (JWT)
          </a>
        </li>
      )}
    </>
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
  const [busy, setBusy] = useState(false);
  const fieldId = `whatif-${props.item.pathway.id}`;
  return (
    <form
      class="row"
      onSubmit={async (e) => {
        e.preventDefault();
        setError(undefined);
        setAnswer(undefined);
        setBusy(true);
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
        setBusy(false);
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
      <button type="submit" disabled={busy}>
        Try it (nothing is saved)
      </button>
      {busy && <Busy label="Working it out…" />}
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
