import { useState } from 'preact/hooks';
import { api } from '../../api/client.ts';
import type { paths } from '../../api/schema.d.ts';
import { date, ErrorNote, Loaded, useLoad } from '../../ui.tsx';
import { Confirm, ConsolePage } from './common.tsx';

type Search = NonNullable<paths['/issuers/{issuerId}/credentials']['get']['parameters']['query']>;
type Results =
  paths['/issuers/{issuerId}/credentials']['get']['responses'][200]['content']['application/json'];
type Summary = Results['items'][number];
type Change = 'revoked' | 'suspended' | 'active';

const STATE_WORDS: Readonly<Record<Change, string>> = {
  active: 'Active',
  suspended: 'Suspended',
  revoked: 'Revoked',
};

const ACTION_WORDS: Readonly<Record<Change, string>> = {
  revoked: 'Revoke',
  suspended: 'Suspend',
  active: 'Reinstate',
};

function StatusChange(props: {
  credential: Summary;
  to: Change;
  maxAge: number;
  onDone: (message: string) => void;
  onCancel: () => void;
}) {
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const action = ACTION_WORDS[props.to];
  async function apply() {
    setBusy(true);
    const { data, error: problem } = await api.POST('/credentials/status', {
      body: {
        credentialId: props.credential.id,
        credentialStatus: [{ type: 'BitstringStatusListCredential', status: props.to }],
        ...(reason.trim() ? { reason: reason.trim() } : {}),
      },
    });
    setBusy(false);
    setError(problem);
    if (data)
      props.onDone(
        `${props.credential.achievementName} for ${props.credential.recipient} is now ${STATE_WORDS[
          props.to
        ].toLowerCase()}. The badge's public page shows it within ${props.maxAge} seconds.`,
      );
  }
  const id = `reason-${props.credential.id}`;
  return (
    <Confirm
      confirmLabel={`${action} this credential`}
      busy={busy}
      onConfirm={() => void apply()}
      onCancel={props.onCancel}
    >
      <p>
        {action} {props.credential.achievementName} for {props.credential.recipient}?
        {props.to === 'revoked' && ' A revocation is permanent.'}
      </p>
      {props.to !== 'active' && (
        <div class="field">
          <label for={id}>Reason (kept with the credential, shown here)</label>
          <input id={id} value={reason} onInput={(e) => setReason(e.currentTarget.value)} />
        </div>
      )}
      {error !== undefined && <ErrorNote error={error} />}
    </Confirm>
  );
}

function Row(props: { credential: Summary; maxAge: number; onChanged: (message: string) => void }) {
  const c = props.credential;
  const [asked, setAsked] = useState<Change>();
  const actions: Change[] =
    c.state === 'active'
      ? c.statusPurpose === 'suspension'
        ? ['suspended', 'revoked']
        : ['revoked']
      : c.state === 'suspended'
        ? ['active', 'revoked']
        : [];
  return (
    <li class="card">
      <h3>{c.achievementName || c.achievementId}</h3>
      <p class="break">
        To {c.recipient}
        {c.learnerId ? ` (learner ${c.learnerId})` : ''} · issued {date(c.issuedAt)}
      </p>
      <p>
        Status: <span class={`state ${c.state}`}>{STATE_WORDS[c.state]}</span>
        {c.stateNote && <> — “{c.stateNote}”</>}
        {c.stateReason && !c.stateNote && <> — {c.stateReason}</>}
      </p>
      <p class="row">
        <a href={c.verifyUrl}>Public page</a>
        {actions.map((to) => (
          <button key={to} type="button" class="link" onClick={() => setAsked(to)}>
            {ACTION_WORDS[to]}
          </button>
        ))}
      </p>
      {asked && (
        <StatusChange
          credential={c}
          to={asked}
          maxAge={props.maxAge}
          onCancel={() => setAsked(undefined)}
          onDone={(message) => {
            setAsked(undefined);
            props.onChanged(message);
          }}
        />
      )}
    </li>
  );
}

function CredentialSearch(props: { issuerId: string }) {
  const [form, setForm] = useState<Search>({});
  const [query, setQuery] = useState<Search>({});
  const [cursors, setCursors] = useState<string[]>([]);
  const [message, setMessage] = useState<string>();
  const achievements = useLoad(
    () =>
      api.GET('/issuers/{issuerId}/achievements', {
        params: { path: { issuerId: props.issuerId } },
      }),
    [props.issuerId],
  )[0];
  const cursor = cursors[cursors.length - 1];
  const [load, reload] = useLoad(
    () =>
      api.GET('/issuers/{issuerId}/credentials', {
        params: {
          path: { issuerId: props.issuerId },
          query: { ...query, ...(cursor ? { cursor } : {}) },
        },
      }),
    [props.issuerId, JSON.stringify(query), cursor],
  );
  const set = (patch: Partial<Search>) => {
    const next: Record<string, unknown> = { ...form, ...patch };
    for (const key of Object.keys(next)) if (next[key] === '') delete next[key];
    setForm(next as Search);
  };
  return (
    <>
      <form
        class="card"
        aria-label="Search credentials"
        onSubmit={(e) => {
          e.preventDefault();
          setMessage(undefined);
          setCursors([]);
          setQuery(form);
        }}
      >
        <div class="filters">
          <div class="field">
            <label for="cred-recipient">Recipient (email, DID or learner id)</label>
            <input
              id="cred-recipient"
              value={form.recipient ?? ''}
              onInput={(e) => set({ recipient: e.currentTarget.value })}
            />
          </div>
          <div class="field">
            <label for="cred-achievement">Achievement</label>
            <select
              id="cred-achievement"
              value={form.achievementId ?? ''}
              onChange={(e) => set({ achievementId: e.currentTarget.value })}
            >
              <option value="">Any</option>
              {achievements.state === 'ok' &&
                achievements.data.items.map((a) => (
                  <option key={a.id} value={a.id}>
                    {a.definition.name}
                    {a.revision ? ` (v${a.revision})` : ''}
                  </option>
                ))}
            </select>
          </div>
          <div class="field">
            <label for="cred-from">Issued from</label>
            <input
              id="cred-from"
              type="date"
              value={form.from ?? ''}
              onInput={(e) => set({ from: e.currentTarget.value })}
            />
          </div>
          <div class="field">
            <label for="cred-to">Issued until</label>
            <input
              id="cred-to"
              type="date"
              value={form.to ?? ''}
              onInput={(e) => set({ to: e.currentTarget.value })}
            />
          </div>
          <div class="field">
            <label for="cred-status">Status</label>
            <select
              id="cred-status"
              value={form.status ?? ''}
              onChange={(e) => set({ status: e.currentTarget.value as Search['status'] })}
            >
              <option value="">Any</option>
              <option value="active">Active</option>
              <option value="suspended">Suspended</option>
              <option value="revoked">Revoked</option>
            </select>
          </div>
          <div class="field">
            <button type="submit">Search</button>
          </div>
        </div>
      </form>
      {message && (
        <p class="ok-note" role="status">
          {message}
        </p>
      )}
      <Loaded load={load} what="credentials">
        {(results) => (
          <>
            <p class="notice">
              A revocation, suspension or reinstatement shows on the badge's public page within{' '}
              {results.statusListMaxAgeSeconds} seconds: verifiers may keep the status list that
              long.
            </p>
            {results.items.length === 0 ? (
              <p class="muted">No credential matches{results.cursor ? ' on this page' : ''}.</p>
            ) : (
              <ul class="cards" aria-label="Credentials found">
                {results.items.map((credential) => (
                  <Row
                    key={credential.id}
                    credential={credential}
                    maxAge={results.statusListMaxAgeSeconds}
                    onChanged={(text) => {
                      setMessage(text);
                      reload();
                    }}
                  />
                ))}
              </ul>
            )}
            <p class="row">
              {cursors.length > 0 && (
                <button type="button" onClick={() => setCursors(cursors.slice(0, -1))}>
                  Previous page
                </button>
              )}
              {results.cursor && (
                <button
                  type="button"
                  onClick={() => setCursors([...cursors, results.cursor as string])}
                >
                  Next page
                </button>
              )}
            </p>
          </>
        )}
      </Loaded>
    </>
  );
}

export function CredentialsPage() {
  return (
    <ConsolePage title="Credentials">
      {(issuerId) => <CredentialSearch issuerId={issuerId} />}
    </ConsolePage>
  );
}
