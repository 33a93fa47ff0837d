import { useState } from 'preact/hooks';
import { useLocation, useRoute } from 'preact-iso';
import { api, fieldError, problemText } from '../api/client.ts';
import type { paths } from '../api/schema.d.ts';
import { session } from '../auth.ts';
import { useSignal } from '../signal.ts';
import { date, download, ErrorNote, Loaded, Page, useLoad } from '../ui.tsx';

type Query = NonNullable<
  paths['/candidates/search']['post']['requestBody']
>['content']['application/json'];
type Results = paths['/candidates/search']['post']['responses'][200]['content']['application/json'];

interface MatchedBadge {
  readonly credentialId: string;
  readonly verifyUrl: string;
  readonly issuerName?: string;
  readonly achievementName?: string;
  readonly issuedAt?: string;
  readonly result?: string;
}
interface SkillMatch {
  readonly skill: string;
  readonly badges: readonly MatchedBadge[];
}
interface Hit {
  readonly learnerId: string;
  readonly displayName?: string;
  readonly matched: {
    readonly mustHave: readonly SkillMatch[];
    readonly niceToHave: readonly SkillMatch[];
    readonly atLeast: readonly SkillMatch[];
  };
  readonly missing: { readonly niceToHave: readonly string[]; readonly atLeast: readonly string[] };
}

/** Skill keys typed one per line or separated by commas. */
function keys(text: string): string[] {
  return text
    .split(/[\n,]/)
    .map((k) => k.trim())
    .filter(Boolean);
}

function SkillList(props: {
  id: string;
  label: string;
  hint: string;
  value: string;
  onInput: (v: string) => void;
  error: string | undefined;
}) {
  return (
    <div class="field">
      <label for={props.id}>{props.label}</label>
      <textarea
        id={props.id}
        rows={2}
        value={props.value}
        onInput={(e) => props.onInput(e.currentTarget.value)}
        aria-describedby={`${props.id}-hint${props.error ? ` ${props.id}-error` : ''}`}
        aria-invalid={props.error ? 'true' : undefined}
      />
      <small id={`${props.id}-hint`} class="muted">
        {props.hint}
      </small>
      {props.error && (
        <small id={`${props.id}-error`} class="error">
          {props.error}
        </small>
      )}
    </div>
  );
}

function SkillMatches(props: {
  title: string;
  matches: readonly SkillMatch[];
  names: Map<string, string>;
}) {
  if (props.matches.length === 0) return null;
  return (
    <>
      <h4>{props.title}</h4>
      <ul>
        {props.matches.map((m) => (
          <li key={m.skill}>
            <strong>{props.names.get(m.skill) ?? m.skill}</strong> — shown by{' '}
            {m.badges.map((b, i) => (
              <span key={b.credentialId}>
                {i > 0 && ', '}
                <a href={b.verifyUrl}>
                  {b.achievementName ?? 'a badge'}
                  {b.issuerName ? ` (${b.issuerName})` : ''}
                </a>
                {b.result ? ` result ${b.result}` : ''}
              </span>
            ))}
          </li>
        ))}
      </ul>
    </>
  );
}

function Search() {
  const [mustHave, setMustHave] = useState('');
  const [niceToHave, setNiceToHave] = useState('');
  const [atLeastOf, setAtLeastOf] = useState('');
  const [atLeastN, setAtLeastN] = useState(1);
  const [issuedAfter, setIssuedAfter] = useState('');
  const [sort, setSort] = useState<'relevance' | 'recent'>('relevance');
  const [results, setResults] = useState<Results>();
  const [pages, setPages] = useState<string[]>([]);
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);

  function query(after?: string): Query {
    const of = keys(atLeastOf);
    return {
      mustHave: keys(mustHave),
      niceToHave: keys(niceToHave),
      ...(of.length > 0 ? { atLeast: { n: atLeastN, of } } : {}),
      ...(issuedAfter
        ? { filter: { issuedAfter: new Date(`${issuedAfter}T00:00:00Z`).toISOString() } }
        : {}),
      sort,
      size: 10,
      facets: true,
      ...(after ? { after } : {}),
    };
  }

  async function run(after?: string) {
    setBusy(true);
    setError(undefined);
    const { data, error: failed } = await api.POST('/candidates/search', { body: query(after) });
    setBusy(false);
    if (failed !== undefined) {
      setError(failed);
      setResults(undefined);
      return;
    }
    setResults(data);
  }

  async function exportCsv() {
    const { data, error: failed } = await api.POST('/candidates/export', {
      body: query(),
      parseAs: 'text',
    });
    if (failed !== undefined) return setError(failed);
    download('candidates.csv', 'text/csv', data ?? '');
  }

  const names = new Map((results?.skills ?? []).map((s) => [s.key, s.name ?? s.key] as const));
  const hits = (results?.hits ?? []) as unknown as Hit[];
  const facets = results?.facets as Record<string, { key: string; count: number }[]> | undefined;
  return (
    <Page title="Find candidates">
      <form
        class="search-form"
        onSubmit={(e) => {
          e.preventDefault();
          setPages([]);
          void run();
        }}
      >
        <SkillList
          id="must-have"
          label="Must have"
          hint="Skill keys, e.g. ONET:15-2051.00 or ESCO:598de5b0-5b58-4ea7-8058-a4bc4d18c742, separated by commas."
          value={mustHave}
          onInput={setMustHave}
          error={fieldError(error, '/mustHave')}
        />
        <SkillList
          id="nice-to-have"
          label="Nice to have"
          hint="Ranks candidates higher; not required."
          value={niceToHave}
          onInput={setNiceToHave}
          error={fieldError(error, '/niceToHave')}
        />
        <div class="row">
          <label for="at-least-n">At least</label>
          <input
            id="at-least-n"
            type="number"
            min={1}
            value={atLeastN}
            onInput={(e) => setAtLeastN(Number(e.currentTarget.value))}
          />
        </div>
        <SkillList
          id="at-least-of"
          label="of these skills"
          hint="Leave empty for none."
          value={atLeastOf}
          onInput={setAtLeastOf}
          error={fieldError(error, '/atLeast')}
        />
        <div class="row">
          <label for="issued-after">Badges issued after</label>
          <input
            id="issued-after"
            type="date"
            value={issuedAfter}
            onInput={(e) => setIssuedAfter(e.currentTarget.value)}
          />
          <label for="sort">Sort by</label>
          <select
            id="sort"
            value={sort}
            onChange={(e) => setSort(e.currentTarget.value as 'relevance' | 'recent')}
          >
            <option value="relevance">Best match</option>
            <option value="recent">Most recent badges</option>
          </select>
        </div>
        <div class="row">
          <button type="submit" disabled={busy}>
            Search
          </button>
          <button type="button" onClick={exportCsv} disabled={!results}>
            Export CSV
          </button>
        </div>
      </form>
      {busy && <p aria-busy="true">Searching…</p>}
      {error !== undefined && !fieldError(error, '/mustHave') && <ErrorNote error={error} />}
      {error !== undefined && fieldError(error, '/mustHave') && (
        <p class="error" role="alert">
          {problemText(error)}
        </p>
      )}
      {results && (
        <div class="results">
          <h2 aria-live="polite">
            {results.total} candidate{results.total === 1 ? '' : 's'}
          </h2>
          {results.unknownSkills.length > 0 && (
            <p class="error">
              Not known: {results.unknownSkills.map((u) => `${u.input} (${u.reason})`).join('; ')}
            </p>
          )}
          {facets && Object.keys(facets).length > 0 && (
            <details>
              <summary>Facets</summary>
              {Object.entries(facets).map(([name, buckets]) => (
                <div key={name}>
                  <h3>{name}</h3>
                  <ul class="facets">
                    {(Array.isArray(buckets) ? buckets : []).map((b) => (
                      <li key={b.key}>
                        {names.get(b.key) ?? b.key} <span class="count">{b.count}</span>
                      </li>
                    ))}
                  </ul>
                </div>
              ))}
            </details>
          )}
          {hits.length === 0 ? (
            <p>No consenting candidate has badges showing these skills.</p>
          ) : (
            <ol class="cards">
              {hits.map((hit) => (
                <li key={hit.learnerId} class="card hit">
                  <h3>
                    <a href={`/app/candidates/${encodeURIComponent(hit.learnerId)}`}>
                      {hit.displayName ?? hit.learnerId}
                    </a>
                  </h3>
                  <SkillMatches title="Must have" matches={hit.matched.mustHave} names={names} />
                  <SkillMatches
                    title="Nice to have"
                    matches={hit.matched.niceToHave}
                    names={names}
                  />
                  <SkillMatches title="At least N of" matches={hit.matched.atLeast} names={names} />
                  {[...hit.missing.niceToHave, ...hit.missing.atLeast].length > 0 && (
                    <p class="missing">
                      Missing:{' '}
                      {[...hit.missing.niceToHave, ...hit.missing.atLeast]
                        .map((k) => names.get(k) ?? k)
                        .join(', ')}
                    </p>
                  )}
                </li>
              ))}
            </ol>
          )}
          <div class="row">
            {pages.length > 0 && (
              <button
                type="button"
                onClick={() => {
                  const previous = pages.slice(0, -1);
                  setPages(previous);
                  void run(previous.at(-1));
                }}
              >
                Previous page
              </button>
            )}
            {results.next && (
              <button
                type="button"
                onClick={() => {
                  setPages([...pages, results.next as string]);
                  void run(results.next);
                }}
              >
                Next page
              </button>
            )}
          </div>
        </div>
      )}
    </Page>
  );
}

function Candidate() {
  const { params } = useRoute();
  const learnerId = decodeURIComponent(params.id ?? '');
  const [load] = useLoad(
    () => api.GET('/candidates/{learnerId}', { params: { path: { learnerId } } }),
    [learnerId],
  );
  return (
    <Loaded load={load} what="the candidate">
      {(profile) => (
        <Page title={profile.displayName}>
          <p>
            <a href="/app/search">Back to the search</a>
          </p>
          {profile.badges.length === 0 ? (
            <p>This candidate shows no badges.</p>
          ) : (
            <ul class="cards">
              {(profile.badges as unknown as MatchedBadge[]).map((b) => (
                <li key={b.credentialId} class="card">
                  <h2>{b.achievementName ?? 'Badge'}</h2>
                  <p>
                    {b.issuerName} · issued {date(b.issuedAt)}
                  </p>
                  {b.verifyUrl && <a href={b.verifyUrl}>Verification page</a>}
                </li>
              ))}
            </ul>
          )}
        </Page>
      )}
    </Loaded>
  );
}

function employerPage(Inner: () => preact.JSX.Element) {
  return function EmployerPage() {
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
    return <Inner />;
  };
}

export const SearchPage = employerPage(Search);
export const CandidatePage = employerPage(Candidate);
