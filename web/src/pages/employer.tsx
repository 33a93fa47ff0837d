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

type Skill =
  paths['/skills']['get']['responses'][200]['content']['application/json']['items'][number];

/** Skills as keys; what is typed and not yet picked counts too (keys separated by commas). */
interface Picked {
  readonly skills: readonly Skill[];
  readonly text: string;
}

function pickedKeys(picked: Picked): string[] {
  return [...picked.skills.map((s) => s.key), ...keys(picked.text)];
}

/**
 * A skill picker: type a few letters of a skill or occupation, pick it from the suggestions
 * (GET /skills), or paste skill keys. Picked skills show as removable chips.
 */
function SkillPicker(props: {
  id: string;
  label: string;
  hint: string;
  value: Picked;
  onChange: (v: Picked) => void;
  error: string | undefined;
}) {
  const [suggestions, setSuggestions] = useState<readonly Skill[]>([]);
  const { skills, text } = props.value;
  async function suggest(next: string) {
    props.onChange({ skills, text: next });
    const q = next.trim();
    if (q.length < 2 || /^(ONET|ESCO):/i.test(q)) return setSuggestions([]);
    const { data } = await api.GET('/skills', { params: { query: { q } } });
    setSuggestions(
      (data?.items ?? []).filter((s) => !skills.some((p) => p.key === s.key)).slice(0, 6),
    );
  }
  const describedBy = `${props.id}-hint${props.error ? ` ${props.id}-error` : ''}`;
  return (
    <div class="field">
      <label for={props.id}>{props.label}</label>
      {skills.length > 0 && (
        <ul class="chips" aria-label={`${props.label}: picked skills`}>
          {skills.map((s) => (
            <li key={s.key}>
              {s.label}{' '}
              <button
                type="button"
                class="link"
                aria-label={`Remove ${s.label}`}
                onClick={() =>
                  props.onChange({ skills: skills.filter((p) => p.key !== s.key), text })
                }
              >
                ×
              </button>
            </li>
          ))}
        </ul>
      )}
      <input
        id={props.id}
        value={text}
        autocomplete="off"
        onInput={(e) => void suggest(e.currentTarget.value)}
        aria-describedby={describedBy}
        aria-invalid={props.error ? 'true' : undefined}
      />
      {suggestions.length > 0 && (
        <ul class="suggestions" aria-label={`Suggestions for ${props.label}`}>
          {suggestions.map((s) => (
            <li key={s.key}>
              <button
                type="button"
                class="link"
                onClick={() => {
                  props.onChange({ skills: [...skills, s], text: '' });
                  setSuggestions([]);
                }}
              >
                Add {s.label}
              </button>{' '}
              <span class="muted">
                {s.framework} {s.kind}
              </span>
            </li>
          ))}
        </ul>
      )}
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
  const empty: Picked = { skills: [], text: '' };
  const [mustHave, setMustHave] = useState<Picked>(empty);
  const [niceToHave, setNiceToHave] = useState<Picked>(empty);
  const [atLeastOf, setAtLeastOf] = useState<Picked>(empty);
  const [atLeastN, setAtLeastN] = useState(1);
  const [issuedAfter, setIssuedAfter] = useState('');
  const [sort, setSort] = useState<'relevance' | 'recent'>('relevance');
  const [results, setResults] = useState<Results>();
  const [pages, setPages] = useState<string[]>([]);
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);

  function query(after?: string): Query {
    const of = pickedKeys(atLeastOf);
    return {
      mustHave: pickedKeys(mustHave),
      niceToHave: pickedKeys(niceToHave),
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

  const names = new Map<string, string>([
    ...[...mustHave.skills, ...niceToHave.skills, ...atLeastOf.skills].map(
      (s) => [s.key, s.label] as const,
    ),
    ...(results?.skills ?? []).map((s) => [s.key, s.name ?? s.key] as const),
  ]);
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
        <SkillPicker
          id="must-have"
          label="Must have"
          hint="Type a skill or occupation and pick it, or paste skill keys (ONET:…, ESCO:…) separated by commas."
          value={mustHave}
          onChange={setMustHave}
          error={fieldError(error, '/mustHave')}
        />
        <SkillPicker
          id="nice-to-have"
          label="Nice to have"
          hint="Ranks candidates higher; not required."
          value={niceToHave}
          onChange={setNiceToHave}
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
        <SkillPicker
          id="at-least-of"
          label="of these skills"
          hint="Leave empty for none."
          value={atLeastOf}
          onChange={setAtLeastOf}
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
