import { useEffect, useState } from 'preact/hooks';
import { useLocation } from 'preact-iso';
import { api } from '../../api/client.ts';
import type { paths } from '../../api/schema.d.ts';
import { session } from '../../auth.ts';
import { useSignal } from '../../signal.ts';
import { download, ErrorNote, Loaded, Page, useLoad } from '../../ui.tsx';

/**
 * Awarding: one recipient, or a CSV of recipients checked in full by the API's dry run
 * (`/batches/check`, the checker the award route runs too) before anything is issued. Then
 * the batch's live progress and per-recipient results, kept in the address (`?job=`) so a
 * reload or a restart picks the job up again, and an export safe to open in a spreadsheet.
 */

type CsvCheck =
  paths['/issuers/{issuerId}/batches/check']['post']['responses'][200]['content']['application/json'];
type BatchStatus =
  paths['/batches/{jobId}']['get']['responses'][200]['content']['application/json'];
type BatchRecipient = BatchStatus['recipients'][number];

/** The issuer this console acts for: the token's, or (platform admins) the one in the address. */
export function useIssuerId(): string | undefined {
  const current = useSignal(session);
  const { query } = useLocation();
  return current?.issuerId ?? (query.issuer || undefined);
}

/** Bytes as base64, in chunks (a spread of a large file would overflow the call stack). */
function base64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000)
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

/**
 * One CSV cell, quoted, with a cell a spreadsheet would run as a formula (= + - @ tab CR)
 * prefixed by an apostrophe so it stays text.
 */
export function csvCell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return `"${safe.replace(/"/g, '""')}"`;
}

/** The public page of a recipient's badge: what an email-only recipient is sent. */
function badgePage(credentialId: string): string {
  return `${location.origin}/credentials/${encodeURIComponent(credentialId)}/verify`;
}

function who(recipient: BatchRecipient['recipient']): string {
  return recipient.email ?? recipient.id ?? '';
}

function AchievementPicker(props: {
  issuerId: string;
  value: string;
  onChange: (id: string) => void;
}) {
  const [load] = useLoad(
    () =>
      api.GET('/issuers/{issuerId}/achievements', {
        params: { path: { issuerId: props.issuerId } },
      }),
    [props.issuerId],
  );
  return (
    <Loaded load={load} what="achievements">
      {(page) =>
        page.items.length === 0 ? (
          <p>This issuer has no achievements yet.</p>
        ) : (
          <p>
            <label for="award-achievement">Achievement</label>
            <br />
            <select
              id="award-achievement"
              value={props.value}
              onChange={(e) => props.onChange((e.target as HTMLSelectElement).value)}
            >
              <option value="">Choose an achievement…</option>
              {page.items.map((a) => (
                <option key={a.id} value={a.id}>
                  {a.definition.name}
                </option>
              ))}
            </select>
          </p>
        )
      }
    </Loaded>
  );
}

function OneRecipient(props: {
  issuerId: string;
  achievementId: string;
  onJob: (id: string) => void;
}) {
  const [recipient, setRecipient] = useState('');
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  async function award(event: Event) {
    event.preventDefault();
    const value = recipient.trim();
    setBusy(true);
    setError(undefined);
    const { data, error: failed } = await api.POST('/issuers/{issuerId}/batches', {
      params: { path: { issuerId: props.issuerId } },
      body: {
        achievementId: props.achievementId,
        recipients: [
          value.includes('@') && !value.startsWith('did:') ? { email: value } : { id: value },
        ],
      },
    });
    setBusy(false);
    if (failed !== undefined || !data) return setError(failed);
    props.onJob(data.id);
  }
  return (
    <form class="stack-form" onSubmit={award} aria-labelledby="one-title">
      <h2 id="one-title">One recipient</h2>
      <label for="one-recipient">Email address or DID</label>
      <input
        id="one-recipient"
        value={recipient}
        required
        autoComplete="off"
        onInput={(e) => setRecipient((e.target as HTMLInputElement).value)}
      />
      <button type="submit" disabled={busy || !props.achievementId || !recipient.trim()}>
        Award
      </button>
      {error !== undefined && <ErrorNote error={error} />}
    </form>
  );
}

function CsvUpload(props: {
  issuerId: string;
  achievementId: string;
  onJob: (id: string) => void;
}) {
  const [file, setFile] = useState<{ name: string; data: string }>();
  const [check, setCheck] = useState<CsvCheck>();
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  // One key per file chosen: a retried click queues the same job, never a second one.
  const [key, setKey] = useState('');

  async function runCheck(data: string) {
    setBusy(true);
    setError(undefined);
    setCheck(undefined);
    const { data: answer, error: failed } = await api.POST('/issuers/{issuerId}/batches/check', {
      params: { path: { issuerId: props.issuerId } },
      body: { achievementId: props.achievementId, file: data },
    });
    setBusy(false);
    if (failed !== undefined) return setError(failed);
    setCheck(answer);
  }

  async function choose(event: Event) {
    const input = event.target as HTMLInputElement;
    const chosen = input.files?.[0];
    if (!chosen) return;
    const data = base64(new Uint8Array(await chosen.arrayBuffer()));
    setFile({ name: chosen.name, data });
    setKey(crypto.randomUUID());
    // The same file chosen again (after fixing it) must fire `change` again.
    input.value = '';
    await runCheck(data);
  }

  async function award() {
    if (!file) return;
    setBusy(true);
    setError(undefined);
    const { data, error: failed } = await api.POST('/issuers/{issuerId}/batches/csv', {
      params: { path: { issuerId: props.issuerId } },
      headers: { 'idempotency-key': key },
      body: { achievementId: props.achievementId, file: file.data },
    });
    setBusy(false);
    if (failed !== undefined || !data) return setError(failed);
    props.onJob(data.id);
  }

  useEffect(() => {
    // A new achievement is a new question for the same file.
    if (file && props.achievementId) void runCheck(file.data);
  }, [props.achievementId]);

  return (
    <section class="stack-form" aria-labelledby="csv-title">
      <h2 id="csv-title">A CSV of recipients</h2>
      <p class="muted">
        A header row naming an <code>email</code> or a <code>did</code> column (and, to put the
        badge in a learner's account, <code>learnerId</code>), then one recipient per row; UTF-8; at
        most 10,000 rows. The whole file is checked before anything is issued.
      </p>
      <label for="csv-file">CSV file</label>
      <input
        id="csv-file"
        type="file"
        accept=".csv,text/csv"
        disabled={!props.achievementId}
        onChange={choose}
      />
      {busy && (
        <p class="muted" aria-busy="true">
          Checking {file?.name}…
        </p>
      )}
      {error !== undefined && <ErrorNote error={error} />}
      {check && !busy && (
        <div aria-live="polite">
          {check.refused !== undefined ? (
            <p class="error" role="alert">
              {file?.name} is refused: {check.refused}. Nothing was issued.
            </p>
          ) : check.valid ? (
            <>
              <p>
                {file?.name}: {check.recipientCount} recipients, no problems.
              </p>
              <button type="button" onClick={award}>
                Award {check.recipientCount} recipients
              </button>
            </>
          ) : (
            <>
              <p class="error" role="alert">
                {file?.name} has {check.problems.length} problem
                {check.problems.length === 1 ? '' : 's'} in {check.rows} rows. Nothing was issued:
                fix the file and choose it again.
              </p>
              <div class="table-scroll">
                <table aria-label="Problems in the file">
                  <thead>
                    <tr>
                      <th scope="col">Row</th>
                      <th scope="col">Column</th>
                      <th scope="col">Problem</th>
                    </tr>
                  </thead>
                  <tbody>
                    {check.problems.map((p) => (
                      <tr key={`${p.row}-${p.column ?? ''}-${p.detail}`}>
                        <td>{p.row}</td>
                        <td>{p.column ?? '(whole row)'}</td>
                        <td>{p.detail}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            </>
          )}
        </div>
      )}
    </section>
  );
}

/** Every page of a job's recipients. */
async function readJob(
  jobId: string,
): Promise<{ job: BatchStatus['job']; recipients: BatchRecipient[] }> {
  const recipients: BatchRecipient[] = [];
  let cursor: string | undefined;
  let job: BatchStatus['job'] | undefined;
  do {
    const { data, error } = await api.GET('/batches/{jobId}', {
      params: { path: { jobId }, query: cursor ? { cursor } : {} },
    });
    if (error !== undefined || !data) throw error;
    job = data.job;
    recipients.push(...data.recipients);
    cursor = data.cursor;
  } while (cursor !== undefined);
  return { job, recipients };
}

function exportResults(jobId: string, recipients: readonly BatchRecipient[]) {
  const lines = [
    ['row', 'recipient', 'result', 'credential', 'badge page', 'reason'].map(csvCell).join(','),
    ...recipients.map((r) =>
      [
        String(r.index + 1),
        who(r.recipient),
        r.state,
        r.credentialId ?? '',
        r.credentialId ? badgePage(r.credentialId) : '',
        r.error ?? '',
      ]
        .map(csvCell)
        .join(','),
    ),
  ];
  download(`batch-${jobId}.csv`, 'text/csv', `${lines.join('\r\n')}\r\n`);
}

function JobProgress(props: { jobId: string }) {
  const [state, setState] = useState<{ job: BatchStatus['job']; recipients: BatchRecipient[] }>();
  const [error, setError] = useState<unknown>();
  useEffect(() => {
    let live = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const poll = async () => {
      try {
        const read = await readJob(props.jobId);
        if (!live) return;
        setState(read);
        setError(undefined);
        if (read.job.state !== 'done') timer = setTimeout(poll, 700);
      } catch (failed) {
        if (!live) return;
        setError(failed);
        // The service may be restarting: keep asking, the job resumes there.
        timer = setTimeout(poll, 2000);
      }
    };
    void poll();
    return () => {
      live = false;
      if (timer) clearTimeout(timer);
    };
  }, [props.jobId]);

  if (!state)
    return error === undefined ? (
      <p aria-busy="true">Loading the batch…</p>
    ) : (
      <ErrorNote error={error} />
    );
  const { job, recipients } = state;
  const total = job.total ?? recipients.length;
  const done = (job.issued ?? 0) + (job.failed ?? 0);
  const percent = total === 0 ? 100 : Math.floor((done / total) * 100);
  return (
    <section aria-labelledby="job-title">
      <h2 id="job-title">Batch {job.state === 'done' ? 'finished' : 'running'}</h2>
      <label for="job-progress">
        {done} of {total} recipients ({percent}%): {job.issued ?? 0} issued, {job.failed ?? 0}{' '}
        failed
      </label>
      <progress id="job-progress" max={total} value={done} aria-valuetext={`${percent}%`} />
      {error !== undefined && <ErrorNote error={error} />}
      <p class="muted">
        This page follows the batch by its address: reload it, or come back later, to see where it
        stands. A batch left running by a restart resumes on its own.
      </p>
      <p class="row">
        <button type="button" onClick={() => exportResults(props.jobId, recipients)}>
          Export results (CSV)
        </button>
        <a href="/app/console/awarding">Start another award</a>
      </p>
      <div class="table-scroll">
        <table aria-label="Results per recipient">
          <thead>
            <tr>
              <th scope="col">#</th>
              <th scope="col">Recipient</th>
              <th scope="col">Result</th>
            </tr>
          </thead>
          <tbody>
            {recipients.map((r) => (
              <tr key={r.index}>
                <td>{r.index + 1}</td>
                <td>{who(r.recipient)}</td>
                <td>
                  {r.state === 'issued' && r.credentialId ? (
                    <>
                      Issued ·{' '}
                      <a href={badgePage(r.credentialId)}>
                        badge page
                        <span class="visually-hidden"> of {who(r.recipient)}</span>
                      </a>
                      {r.recipient.email && !r.recipient.id && (
                        <span class="muted">
                          {' '}
                          (send this link: the recipient has only an email)
                        </span>
                      )}
                    </>
                  ) : r.state === 'failed' ? (
                    <span class="error">Failed: {r.error ?? 'no reason given'}</span>
                  ) : (
                    <span class="muted">Pending</span>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

export function AwardingPage() {
  const issuerId = useIssuerId();
  const { query, route, path } = useLocation();
  const [achievementId, setAchievementId] = useState('');
  const jobId = query.job;
  const onJob = (id: string) => {
    const params = new URLSearchParams(query);
    params.set('job', id);
    route(`${path}?${params.toString()}`);
  };
  if (jobId)
    return (
      <Page title="Awarding">
        <JobProgress jobId={jobId} />
      </Page>
    );
  if (!issuerId)
    return (
      <Page title="Awarding">
        <p>
          Sign in as an issuer admin, or (platform admins) add <code>?issuer=</code> and the
          issuer's id to the address.
        </p>
      </Page>
    );
  return (
    <Page title="Awarding">
      <p class="lead">Award an achievement of {issuerId} to one person or to a whole class.</p>
      <AchievementPicker issuerId={issuerId} value={achievementId} onChange={setAchievementId} />
      <div class="grid two">
        <OneRecipient issuerId={issuerId} achievementId={achievementId} onJob={onJob} />
        <CsvUpload issuerId={issuerId} achievementId={achievementId} onJob={onJob} />
      </div>
    </Page>
  );
}
