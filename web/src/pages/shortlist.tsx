import { useState } from 'preact/hooks';
import { useLocation } from 'preact-iso';
import { api } from '../api/client.ts';
import { session } from '../auth.ts';
import { useSignal } from '../signal.ts';
import { date, download, ErrorNote, Loaded, Page, useLoad } from '../ui.tsx';
import { ShortlistForm } from './employer.tsx';

/**
 * The employer's shortlist: candidates with notes, editable, removable, downloadable as CSV.
 * The API leaves out anyone whose consent no longer lets this employer find them.
 */
function Shortlist(props: { employerId: string }) {
  const { employerId } = props;
  const [load, reload] = useLoad(
    () => api.GET('/employers/{employerId}/shortlist', { params: { path: { employerId } } }),
    [employerId],
  );
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);

  async function exportCsv() {
    setBusy(true);
    setError(undefined);
    const { data, error: failed } = await api.GET('/employers/{employerId}/shortlist.csv', {
      params: { path: { employerId } },
      parseAs: 'text',
    });
    setBusy(false);
    if (failed !== undefined) return setError(failed);
    download('shortlist.csv', 'text/csv', data ?? '');
  }

  async function remove(learnerId: string) {
    setError(undefined);
    const { error: failed } = await api.DELETE('/employers/{employerId}/shortlist/{learnerId}', {
      params: { path: { employerId, learnerId } },
    });
    if (failed !== undefined) setError(failed);
    reload();
  }

  return (
    <Page title="Shortlist">
      {error !== undefined && <ErrorNote error={error} />}
      <Loaded load={load} what="your shortlist">
        {(data) =>
          data.items.length === 0 ? (
            <p>
              Your shortlist is empty. <a href="/app/search">Find candidates</a> and shortlist them
              from the results.
            </p>
          ) : (
            <>
              <div class="row">
                <button type="button" onClick={exportCsv} disabled={busy}>
                  Download shortlist as CSV
                </button>
                {busy && <span aria-busy="true">Preparing the file…</span>}
              </div>
              <ul class="cards" aria-label="Shortlisted candidates">
                {data.items.map((entry) => (
                  <li key={entry.learnerId} class="card shortlisted">
                    <h2>
                      <a href={`/app/candidates/${encodeURIComponent(entry.learnerId)}`}>
                        {entry.displayName}
                      </a>
                    </h2>
                    <p class="muted">
                      Added {date(entry.addedAt)}
                      {entry.updatedAt !== entry.addedAt
                        ? `, note changed ${date(entry.updatedAt)}`
                        : ''}
                    </p>
                    <ShortlistForm
                      learnerId={entry.learnerId}
                      name={entry.displayName}
                      note={entry.note}
                    />
                    <button type="button" class="link" onClick={() => void remove(entry.learnerId)}>
                      Remove {entry.displayName} from the shortlist
                    </button>
                  </li>
                ))}
              </ul>
            </>
          )
        }
      </Loaded>
    </Page>
  );
}

export function ShortlistPage() {
  const current = useSignal(session);
  const { url } = useLocation();
  if (!current?.employerId)
    return (
      <Page title="Sign in as an employer">
        <p>
          This page is for employers.{' '}
          <a href={`/app/sign-in?return=${encodeURIComponent(url)}`}>Sign in</a> to see it.
        </p>
      </Page>
    );
  return <Shortlist employerId={current.employerId} />;
}
