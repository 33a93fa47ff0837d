import { useEffect, useState } from 'preact/hooks';
import { api, fieldError, problemText } from '../api/client.ts';
import type { paths } from '../api/schema.d.ts';
import { date, download, ErrorNote, Loaded, Page, useLoad } from '../ui.tsx';

type Consent =
  paths['/learners/{learnerId}/consent']['get']['responses'][200]['content']['application/json'];

const ACTIVITY_WORDS: Record<string, string> = {
  'search-hit': 'found you in a search',
  'profile-view': 'viewed your profile',
  export: 'exported you in a shortlist',
};

/**
 * Downloads the receipt the service makes for the consent as stored now (right after a
 * change, for that change): the service's words, not the form's.
 */
function ReceiptButton(props: { learnerId: string; label: string }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  return (
    <>
      <button
        type="button"
        disabled={busy}
        onClick={async () => {
          setBusy(true);
          setError(undefined);
          const {
            data,
            error: failed,
            response,
          } = await api.GET('/learners/{learnerId}/consent/receipt', {
            params: { path: { learnerId: props.learnerId } },
          });
          setBusy(false);
          if (failed !== undefined) return setError(failed);
          const named = /filename="([^"]+)"/.exec(
            response.headers.get('content-disposition') ?? '',
          )?.[1];
          download(
            named ?? `consent-receipt-${props.learnerId}.json`,
            'application/json',
            `${JSON.stringify(data, null, 2)}\n`,
          );
        }}
      >
        {props.label}
      </button>
      {error !== undefined && <ErrorNote error={error} />}
    </>
  );
}

function summary(c: Consent): string {
  if (c.state !== 'given' || !c.discoverable) {
    if (c.state === 'given' && c.until && new Date(c.until) <= new Date())
      return `Your consent ended on ${date(c.until)}. No employer can find you.`;
    return 'No employer can find you.';
  }
  const who =
    c.employers === 'all' ? 'every employer' : `only ${(c.employers as string[]).join(', ')}`;
  return `Employers can find you as “${c.displayName}”: ${who}${c.until ? `, until ${date(c.until)}` : ''}.`;
}

/** Who may find me, for how long; withdrawal; who looked; a receipt for each change. */
export function Privacy(props: { learnerId: string }) {
  // A learner who never chose has no consent record: the API answers 404, which here means
  // "nobody can find you", not an error.
  const [load, reload] = useLoad<Consent | null>(async () => {
    const { data, error, response } = await api.GET('/learners/{learnerId}/consent', {
      params: { path: { learnerId: props.learnerId } },
    });
    if (response.status === 404) return { data: null };
    return error !== undefined ? { error } : { data };
  }, [props.learnerId]);
  const [activity] = useLoad(
    () =>
      api.GET('/learners/{learnerId}/search-activity', {
        params: { path: { learnerId: props.learnerId } },
      }),
    [props.learnerId, load.state],
  );
  const current = load.state === 'ok' ? load.data : undefined;
  const [who, setWho] = useState<'all' | 'named'>('all');
  const [names, setNames] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [until, setUntil] = useState('');
  const [error, setError] = useState<unknown>();
  const [local, setLocal] = useState<Record<string, string>>({});
  const [change, setChange] = useState<string>();
  const [busy, setBusy] = useState(false);
  const [withdrawError, setWithdrawError] = useState<unknown>();

  // The form starts from what is stored, so a change edits it rather than starting blank.
  useEffect(() => {
    if (current?.state !== 'given') return;
    setDisplayName(current.displayName);
    setWho(current.employers === 'all' ? 'all' : 'named');
    setNames(current.employers === 'all' ? '' : current.employers.join(', '));
    setUntil(current.until ? current.until.slice(0, 10) : '');
  }, [current?.updatedAt]);

  function validate(): Record<string, string> {
    const problems: Record<string, string> = {};
    if (displayName.trim() === '') problems.displayName = 'Give the name employers will see.';
    const list = names
      .split(',')
      .map((n) => n.trim())
      .filter(Boolean);
    if (who === 'named' && list.length === 0)
      problems.employers = 'Name at least one employer, or choose all employers.';
    if (until && new Date(`${until}T23:59:59Z`) <= new Date())
      problems.until = 'Choose a date after today, or leave it empty.';
    return problems;
  }

  async function give(e: Event) {
    e.preventDefault();
    setError(undefined);
    const problems = validate();
    setLocal(problems);
    if (Object.keys(problems).length > 0) return;
    setBusy(true);
    const employers =
      who === 'all'
        ? ('all' as const)
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
    setBusy(false);
    if (failed !== undefined) return setError(failed);
    setChange('Saved: the employers you chose can now find you.');
    reload();
  }

  async function withdraw() {
    setWithdrawError(undefined);
    setBusy(true);
    const { error: failed } = await api.DELETE('/learners/{learnerId}/consent', {
      params: { path: { learnerId: props.learnerId } },
    });
    setBusy(false);
    if (failed !== undefined) return setWithdrawError(failed);
    setChange('Withdrawn: no employer can find you any more.');
    reload();
  }

  const shown = (pointer: string, key: string) => local[key] ?? fieldError(error, pointer);
  const formProblem =
    error !== undefined &&
    !fieldError(error, '/displayName') &&
    !fieldError(error, '/employers') &&
    !fieldError(error, '/until');

  return (
    <Page title="Privacy">
      <h2>Who can find me</h2>
      <Loaded load={load} what="your choices">
        {(consent) => (
          <div class="card">
            <p>
              {consent ? summary(consent) : 'No employer can find you. You have not chosen yet.'}
            </p>
            {consent && (
              <div class="row">
                {consent.state === 'given' && (
                  <button type="button" onClick={withdraw} disabled={busy}>
                    Withdraw consent
                  </button>
                )}
                <ReceiptButton
                  learnerId={props.learnerId}
                  label="Download the receipt for my current choice"
                />
              </div>
            )}
            {withdrawError !== undefined && <ErrorNote error={withdrawError} />}
          </div>
        )}
      </Loaded>
      {change && (
        <div class="card" role="status">
          <p>{change}</p>
          <ReceiptButton learnerId={props.learnerId} label="Download the receipt for this change" />
        </div>
      )}
      <h2>Let employers find me</h2>
      <form onSubmit={give} class="stack-form" noValidate>
        <label for="display-name">Name employers see</label>
        <input
          id="display-name"
          value={displayName}
          onInput={(e) => setDisplayName(e.currentTarget.value)}
          aria-invalid={shown('/displayName', 'displayName') ? 'true' : undefined}
          aria-describedby="display-name-error"
        />
        {shown('/displayName', 'displayName') && (
          <p id="display-name-error" class="error">
            {shown('/displayName', 'displayName')}
          </p>
        )}
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
              aria-invalid={shown('/employers', 'employers') ? 'true' : undefined}
              aria-describedby="employer-names-error"
            />
          </>
        )}
        {shown('/employers', 'employers') && (
          <p id="employer-names-error" class="error">
            {shown('/employers', 'employers')}
          </p>
        )}
        <label for="consent-until">Until (optional)</label>
        <input
          id="consent-until"
          type="date"
          value={until}
          onInput={(e) => setUntil(e.currentTarget.value)}
          aria-invalid={shown('/until', 'until') ? 'true' : undefined}
          aria-describedby="consent-until-error"
        />
        {shown('/until', 'until') && (
          <p id="consent-until-error" class="error">
            {shown('/until', 'until')}
          </p>
        )}
        {formProblem && (
          <p class="error" role="alert">
            {problemText(error)}
          </p>
        )}
        <button type="submit" disabled={busy}>
          Save
        </button>
      </form>
      <h2>Who looked</h2>
      <Loaded load={activity} what="search activity">
        {(data) =>
          data.items.length === 0 ? (
            <p>No employer has found or viewed you yet.</p>
          ) : (
            <table>
              <caption class="visually-hidden">Employers who searched for or viewed you</caption>
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
                    <td>{ACTIVITY_WORDS[a.kind] ?? a.kind}</td>
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
