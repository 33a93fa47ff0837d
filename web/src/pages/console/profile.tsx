import { useEffect, useState } from 'preact/hooks';
import { api, fieldError } from '../../api/client.ts';
import type { paths } from '../../api/schema.d.ts';
import { date, ErrorNote, Loaded, useLoad } from '../../ui.tsx';
import { Confirm, ConsolePage } from './common.tsx';

type Issuer = paths['/issuers/{issuerId}']['get']['responses'][200]['content']['application/json'];
type Key = Issuer['keys'][number];

const ALGORITHM_USE: Readonly<Record<string, string>> = {
  ES256: 'VC-JWT (ECDSA P-256)',
  RS256: 'VC-JWT (RSA)',
  EdDSA: 'Data Integrity (Ed25519)',
};

function ProfileForm(props: { issuer: Issuer; onSaved: (issuer: Issuer) => void }) {
  const profile = props.issuer.profile as {
    name: string;
    url?: string;
    email?: string;
    description?: string;
    image?: unknown;
  };
  const [form, setForm] = useState({
    name: profile.name,
    url: profile.url ?? '',
    email: profile.email ?? '',
    description: profile.description ?? '',
    image: typeof profile.image === 'string' ? profile.image : '',
  });
  const [error, setError] = useState<unknown>();
  const [saved, setSaved] = useState(false);
  const [busy, setBusy] = useState(false);
  const field = (name: keyof typeof form, label: string) => {
    const message = fieldError(error, `/${name}`);
    return (
      <div class="field">
        <label for={`profile-${name}`}>{label}</label>
        {name === 'description' ? (
          <textarea
            id={`profile-${name}`}
            rows={3}
            value={form[name]}
            onInput={(e) => setForm({ ...form, [name]: e.currentTarget.value })}
          />
        ) : (
          <input
            id={`profile-${name}`}
            value={form[name]}
            aria-invalid={message ? 'true' : undefined}
            aria-describedby={message ? `profile-${name}-error` : undefined}
            onInput={(e) => setForm({ ...form, [name]: e.currentTarget.value })}
          />
        )}
        {message && (
          <small id={`profile-${name}-error`} class="error">
            {message}
          </small>
        )}
      </div>
    );
  };
  async function save(e: Event) {
    e.preventDefault();
    setBusy(true);
    setSaved(false);
    const body = Object.fromEntries(
      Object.entries(form).filter(([, v]) => v.trim() !== ''),
    ) as typeof form;
    const { data, error: problem } = await api.PUT('/issuers/{issuerId}/profile', {
      params: { path: { issuerId: props.issuer.id } },
      body,
    });
    setBusy(false);
    setError(problem);
    if (data) {
      setSaved(true);
      props.onSaved(data);
    }
  }
  return (
    <form onSubmit={save} class="card" aria-labelledby="profile-heading">
      <h2 id="profile-heading">Public profile</h2>
      <p class="muted">
        What every new credential says about you. Credentials already issued keep the profile they
        were signed with.
      </p>
      {field('name', 'Name')}
      {field('url', 'Web site (URL)')}
      {field('email', 'Contact email')}
      {field('image', 'Logo image (URL)')}
      {field('description', 'Description')}
      {error !== undefined && !fieldError(error, '/') && <ErrorNote error={error} />}
      <div class="row">
        <button type="submit" disabled={busy}>
          Save profile
        </button>
        {saved && (
          <span class="ok-note" role="status">
            Saved.
          </span>
        )}
      </div>
    </form>
  );
}

function KeyRows(props: { keys: readonly Key[] }) {
  return (
    <div class="table-wrap">
      <table>
        <thead>
          <tr>
            <th scope="col">Algorithm</th>
            <th scope="col">Key</th>
            <th scope="col">Created</th>
            <th scope="col">Retired</th>
          </tr>
        </thead>
        <tbody>
          {props.keys.map((key) => (
            <tr key={key.id}>
              <td>
                {key.algorithm}
                <br />
                <small class="muted">{ALGORITHM_USE[key.algorithm] ?? ''}</small>
              </td>
              <td class="break">
                <code>{key.id.split('#')[1]}</code>
              </td>
              <td>{date(key.createdAt)}</td>
              <td>{key.retiredAt ? date(key.retiredAt) : '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function Keys(props: { issuer: Issuer; onRotated: (issuer: Issuer) => void }) {
  const [asked, setAsked] = useState<string>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const [done, setDone] = useState<string>();
  const active = props.issuer.keys.filter((key) => key.status === 'active');
  const retired = props.issuer.keys.filter((key) => key.status === 'retired');
  async function rotate(algorithm: string) {
    setBusy(true);
    const { data, error: problem } = await api.POST('/issuers/{issuerId}/keys/{algorithm}/rotate', {
      params: { path: { issuerId: props.issuer.id, algorithm } },
    });
    setBusy(false);
    setAsked(undefined);
    setError(problem);
    if (data) {
      setDone(`The ${algorithm} key was rotated. The old key is now listed under retired keys.`);
      props.onRotated(data);
    }
  }
  return (
    <section class="card" aria-labelledby="keys-heading">
      <h2 id="keys-heading">Identity and signing keys</h2>
      <p>
        Your DID: <code class="break">{props.issuer.did}</code> (
        <a href={props.issuer.didDocument}>DID document</a>)
      </p>
      <h3>Active keys</h3>
      <KeyRows keys={active} />
      <div class="row">
        {active.map((key) => (
          <button
            key={key.id}
            type="button"
            onClick={() => {
              setDone(undefined);
              setAsked(key.algorithm);
            }}
          >
            Rotate {key.algorithm} key
          </button>
        ))}
      </div>
      {asked && (
        <Confirm
          confirmLabel={`Yes, rotate the ${asked} key`}
          busy={busy}
          onConfirm={() => void rotate(asked)}
          onCancel={() => setAsked(undefined)}
        >
          <p>
            Rotate the {asked} key? New credentials will be signed with a new key. The current key
            is retired, not deleted: it stays in your DID document, so every credential it signed
            keeps verifying.
          </p>
        </Confirm>
      )}
      {done && (
        <p class="ok-note" role="status">
          {done}
        </p>
      )}
      {error !== undefined && <ErrorNote error={error} />}
      <h3>Retired keys</h3>
      {retired.length === 0 ? (
        <p class="muted">No key has been retired yet.</p>
      ) : (
        <KeyRows keys={retired} />
      )}
    </section>
  );
}

function IssuerProfile(props: { issuerId: string }) {
  const [load] = useLoad(
    () => api.GET('/issuers/{issuerId}', { params: { path: { issuerId: props.issuerId } } }),
    [props.issuerId],
  );
  const [issuer, setIssuer] = useState<Issuer>();
  useEffect(() => {
    if (load.state === 'ok') setIssuer(load.data);
  }, [load]);
  return (
    <Loaded load={load} what="the issuer">
      {(loaded) => {
        const shown = issuer ?? loaded;
        return (
          <>
            <ProfileForm issuer={shown} onSaved={setIssuer} />
            <Keys issuer={shown} onRotated={setIssuer} />
          </>
        );
      }}
    </Loaded>
  );
}

export function ProfilePage() {
  return (
    <ConsolePage title="Issuer profile and keys">
      {(issuerId) => <IssuerProfile issuerId={issuerId} />}
    </ConsolePage>
  );
}
