import { useState } from 'preact/hooks';
import { api, fieldError } from '../../api/client.ts';
import type { paths } from '../../api/schema.d.ts';
import { date, ErrorNote, Loaded, useLoad } from '../../ui.tsx';
import { ConsolePage } from './common.tsx';

type IssuerLine =
  paths['/issuers']['get']['responses'][200]['content']['application/json']['items'][number];
type Onboarded = paths['/issuers']['post']['responses'][201]['content']['application/json'];

const FIELDS = ['id', 'name', 'url', 'email', 'description'] as const;
type Field = (typeof FIELDS)[number];
type Form = Record<Field, string>;

const LABELS: Readonly<Record<Field, string>> = {
  id: 'Issuer id',
  name: 'Name',
  url: 'Web site (URL)',
  email: 'Contact email',
  description: 'Description',
};

/** The same rule the service applies: a lower-case slug, 1–63 characters. */
const SLUG = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/** What the browser can tell before sending: the service still checks, and its errors win. */
function check(form: Form): Partial<Record<Field, string>> {
  const errors: Partial<Record<Field, string>> = {};
  if (!SLUG.test(form.id.trim()))
    errors.id = 'Lower-case letters, digits and inner hyphens, 1–63 characters.';
  if (!form.name.trim()) errors.name = 'The issuer needs a name.';
  if (form.url.trim()) {
    try {
      const url = new URL(form.url.trim());
      if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error('scheme');
    } catch {
      errors.url = 'A web address such as https://example.edu.';
    }
  }
  if (form.email.trim() && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(form.email.trim()))
    errors.email = 'An email address such as registrar@example.edu.';
  return errors;
}

const consoleHref = (id: string) => `/app/console?issuer=${encodeURIComponent(id)}`;

function OnboardForm(props: { onDone: (issuer: Onboarded) => void }) {
  const empty: Form = { id: '', name: '', url: '', email: '', description: '' };
  const [form, setForm] = useState<Form>(empty);
  const [local, setLocal] = useState<Partial<Record<Field, string>>>({});
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState<Onboarded>();
  const field = (name: Field) => {
    const message = local[name] ?? fieldError(error, `/${name}`);
    const id = `onboard-${name}`;
    const common = {
      id,
      value: form[name],
      'aria-invalid': message ? ('true' as const) : undefined,
      'aria-describedby': message ? `${id}-error` : undefined,
      onInput: (e: { currentTarget: { value: string } }) =>
        setForm({ ...form, [name]: e.currentTarget.value }),
    };
    return (
      <div class="field">
        <label for={id}>{LABELS[name]}</label>
        {name === 'description' ? <textarea rows={3} {...common} /> : <input {...common} />}
        {message && (
          <small id={`${id}-error`} class="error">
            {message}
          </small>
        )}
      </div>
    );
  };
  async function send(e: Event) {
    e.preventDefault();
    setDone(undefined);
    const errors = check(form);
    setLocal(errors);
    setError(undefined);
    if (Object.keys(errors).length > 0) return;
    setBusy(true);
    const body = Object.fromEntries(
      Object.entries(form)
        .map(([k, v]) => [k, v.trim()])
        .filter(([, v]) => v !== ''),
    ) as { id: string; name: string };
    const { data, error: problem } = await api.POST('/issuers', { body });
    setBusy(false);
    setError(problem);
    if (data) {
      setDone(data);
      setForm(empty);
      props.onDone(data);
    }
  }
  const fieldShown = FIELDS.some((name) => fieldError(error, `/${name}`));
  return (
    <form class="card" onSubmit={send} noValidate aria-labelledby="onboard-heading">
      <h2 id="onboard-heading">Onboard an issuer</h2>
      <p class="muted">
        The issuer gets a did:web identity served here and a signing key per algorithm.
      </p>
      {FIELDS.map((name) => field(name))}
      {error !== undefined && !fieldShown && <ErrorNote error={error} />}
      <div class="row">
        <button type="submit" disabled={busy}>
          Onboard issuer
        </button>
      </div>
      {done && (
        <p class="ok-note" role="status">
          {done.name} is onboarded as <code class="break">{done.did}</code>.{' '}
          <a href={consoleHref(done.id)}>Open its console</a>
        </p>
      )}
    </form>
  );
}

function IssuerList(props: { revision: number }) {
  const [more, setMore] = useState<IssuerLine[]>([]);
  const [next, setNext] = useState<string>();
  const [error, setError] = useState<unknown>();
  const [load] = useLoad(async () => {
    setMore([]);
    const answer = await api.GET('/issuers', {});
    setNext(answer.data?.cursor);
    return answer;
  }, [props.revision]);
  async function loadMore() {
    const { data, error: problem } = await api.GET('/issuers', {
      params: { query: { cursor: next } },
    });
    setError(problem);
    if (data) {
      setMore([...more, ...data.items]);
      setNext(data.cursor);
    }
  }
  return (
    <section class="card" aria-labelledby="issuers-heading">
      <h2 id="issuers-heading">All issuers</h2>
      <Loaded load={load} what="the issuers">
        {(first) => {
          const lines = [...first.items, ...more];
          if (lines.length === 0) return <p class="muted">No issuer yet.</p>;
          return (
            <div class="table-wrap">
              <table>
                <thead>
                  <tr>
                    <th scope="col">Issuer</th>
                    <th scope="col">DID</th>
                    <th scope="col">Onboarded</th>
                  </tr>
                </thead>
                <tbody>
                  {lines.map((issuer) => (
                    <tr key={issuer.id}>
                      <td>
                        <a href={consoleHref(issuer.id)}>{issuer.name}</a>
                        <br />
                        <small class="muted">{issuer.id}</small>
                      </td>
                      <td class="break">
                        <code>{issuer.did}</code>
                      </td>
                      <td>{date(issuer.createdAt)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          );
        }}
      </Loaded>
      {next && (
        <button type="button" onClick={() => void loadMore()}>
          Show more issuers
        </button>
      )}
      {error !== undefined && <ErrorNote error={error} />}
    </section>
  );
}

/** The platform's issuers: each opens its console; a new one is onboarded here, not by curl. */
export function IssuersPage() {
  const [revision, setRevision] = useState(0);
  return (
    <ConsolePage title="Issuers" platform>
      {() => (
        <>
          <IssuerList revision={revision} />
          <OnboardForm onDone={() => setRevision(revision + 1)} />
        </>
      )}
    </ConsolePage>
  );
}
