import { useEffect, useRef, useState } from 'preact/hooks';
import { useLocation, useRoute } from 'preact-iso';
import { api, fieldError, type Problem } from '../api/client.ts';
import type { paths } from '../api/schema.d.ts';
import { session } from '../auth.ts';
import { useSignal } from '../signal.ts';
import { crosswalkText, frameworkOf } from '../skill-crosswalk.ts';
import { date, download, ErrorNote, Loaded, Page, useLoad } from '../ui.tsx';

type Query = NonNullable<
  paths['/candidates/search']['post']['requestBody']
>['content']['application/json'];
type Results = paths['/candidates/search']['post']['responses'][200]['content']['application/json'];

type Hit = Results['hits'][number];
type SkillMatch = Hit['matched']['mustHave'][number];

/** A badge of a candidate's profile (the profile's badges are open objects in the API). */
interface CandidateBadge {
  readonly credentialId: string;
  readonly verifyUrl: string;
  readonly issuerName?: string;
  readonly achievementName?: string;
  readonly issuedAt?: string;
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

/** A picked skill as a chip and a screen reader name it: "Data Scientists (O*NET)". */
function chipName(s: Skill): string {
  const framework = frameworkOf(s.key);
  return framework ? `${s.label} (${framework})` : s.label;
}

/**
 * The skill a facet key stands for, as the suggestions give it (GET /skills finds a key as
 * well as a name), so a facet adds the same named chip a picked suggestion does. A key the
 * lookup does not know (or a lookup that fails) still gets a chip, named as the facet names it.
 */
async function skillOfKey(key: string, label: string | undefined): Promise<Skill> {
  const { data } = await api.GET('/skills', { params: { query: { q: key } } });
  const known = data?.items.find((s) => s.key === key);
  if (known) return known;
  const framework = key.slice(0, key.indexOf(':')).toUpperCase() === 'ESCO' ? 'ESCO' : 'ONET';
  return { key, label: label ?? key, framework, kind: 'skill', crosswalk: [], equivalents: [] };
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
  const input = useRef<HTMLInputElement>(null);
  // What changed in the chips, said once in a polite live region: a pick from the suggestions
  // and a skill facet pressed under the results add or remove chips the same way, and a screen
  // reader hears the same words for both.
  const [said, setSaid] = useState('');
  const previous = useRef<readonly Skill[]>(skills);
  useEffect(() => {
    const before = previous.current;
    previous.current = skills;
    const added = skills.filter((s) => !before.some((b) => b.key === s.key));
    const removed = before.filter((b) => !skills.some((s) => s.key === b.key));
    const words = [
      ...added.map((s) => `Added ${chipName(s)}`),
      ...removed.map((s) => `Removed ${chipName(s)}`),
    ];
    if (words.length > 0) setSaid(`${props.label}: ${words.join('; ')}.`);
  }, [skills, props.label]);
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
              {s.label}
              {frameworkOf(s.key) && <span class="muted"> · {frameworkOf(s.key)}</span>}{' '}
              <button
                type="button"
                class="link"
                aria-label={`Remove ${chipName(s)}`}
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
        ref={input}
        value={text}
        autocomplete="off"
        onInput={(e) => void suggest(e.currentTarget.value)}
        aria-describedby={describedBy}
        aria-invalid={props.error ? 'true' : undefined}
      />
      {suggestions.length > 0 && (
        <ul class="suggestions" aria-label={`Suggestions for ${props.label}`}>
          {suggestions.map((s, i) => (
            <li key={s.key}>
              <button
                type="button"
                class="link"
                aria-describedby={`${props.id}-suggestion-${i}`}
                onClick={() => {
                  props.onChange({ skills: [...skills, s], text: '' });
                  setSuggestions([]);
                  // The button goes with the list: the keyboard carries on from the box.
                  input.current?.focus();
                }}
              >
                Add {s.label}
              </button>{' '}
              <span id={`${props.id}-suggestion-${i}`} class="muted">
                {crosswalkText(s)}
              </span>
            </li>
          ))}
        </ul>
      )}
      <small id={`${props.id}-hint`} class="muted">
        {props.hint}
      </small>
      <span class="visually-hidden" role="status">
        {said}
      </span>
      {props.error && (
        <small id={`${props.id}-error`} class="error">
          {props.error}
        </small>
      )}
    </div>
  );
}

/** The search form as the employer fills it in. */
interface Form {
  readonly mustHave: Picked;
  readonly niceToHave: Picked;
  readonly atLeastOf: Picked;
  readonly atLeastN: number;
  readonly issuedAfter: string;
  readonly minResult: string;
  readonly issuerTiers: string;
  readonly achievementTypes: readonly string[];
  readonly issuers: readonly string[];
  readonly sort: 'relevance' | 'recent';
}

const EMPTY_FORM: Form = {
  mustHave: { skills: [], text: '' },
  niceToHave: { skills: [], text: '' },
  atLeastOf: { skills: [], text: '' },
  atLeastN: 1,
  issuedAfter: '',
  minResult: '',
  issuerTiers: '',
  achievementTypes: [],
  issuers: [],
  sort: 'relevance',
};

/** OB 3.0 achievement types offered as suggestions; any other type may be typed. */
const ACHIEVEMENT_TYPES = [
  'Badge',
  'Certificate',
  'Certification',
  'Course',
  'Degree',
  'Diploma',
  'License',
  'Competency',
  'MicroCredential',
] as const;

/** What the API takes, from the form; the checks the API would make, made before sending. */
export function queryOf(form: Form): { query?: Query; problem?: Problem } {
  const errors: { pointer: string; detail: string }[] = [];
  const of = pickedKeys(form.atLeastOf);
  const min = form.minResult.trim() === '' ? undefined : Number(form.minResult);
  if (min !== undefined && (!Number.isFinite(min) || min < 0 || min > 100))
    errors.push({ pointer: '/filter/minResultLevel', detail: 'a number from 0 to 100' });
  if (of.length > 0 && (!Number.isInteger(form.atLeastN) || form.atLeastN < 1))
    errors.push({ pointer: '/atLeast/n', detail: 'a whole number of at least 1' });
  else if (of.length > 0 && form.atLeastN > of.length)
    errors.push({
      pointer: '/atLeast/n',
      detail: `at most ${of.length}, the number of skills listed`,
    });
  if (errors.length > 0) return { problem: { detail: 'Please correct the search.', errors } };
  const tiers = keys(form.issuerTiers);
  const filter = {
    ...(form.issuedAfter
      ? { issuedAfter: new Date(`${form.issuedAfter}T00:00:00Z`).toISOString() }
      : {}),
    ...(min === undefined ? {} : { minResultLevel: min }),
    ...(tiers.length > 0 ? { issuerTiers: tiers } : {}),
    ...(form.achievementTypes.length > 0 ? { achievementTypes: [...form.achievementTypes] } : {}),
    ...(form.issuers.length > 0 ? { issuers: [...form.issuers] } : {}),
  };
  return {
    query: {
      mustHave: pickedKeys(form.mustHave),
      niceToHave: pickedKeys(form.niceToHave),
      ...(of.length > 0 ? { atLeast: { n: form.atLeastN, of } } : {}),
      ...(Object.keys(filter).length > 0 ? { filter } : {}),
      sort: form.sort,
    },
  };
}

/** A saved query back in the form: skill keys as typed text, filters as they were. */
function formOf(query: Query): Form {
  const typed = (list: readonly string[] | undefined): Picked => ({
    skills: [],
    text: (list ?? []).join(', '),
  });
  const filter = query.filter ?? {};
  return {
    ...EMPTY_FORM,
    mustHave: typed(query.mustHave),
    niceToHave: typed(query.niceToHave),
    atLeastOf: typed(query.atLeast?.of),
    atLeastN: query.atLeast?.n ?? 1,
    issuedAfter: filter.issuedAfter ? filter.issuedAfter.slice(0, 10) : '',
    minResult: filter.minResultLevel === undefined ? '' : String(filter.minResultLevel),
    issuerTiers: (filter.issuerTiers ?? []).join(', '),
    achievementTypes: filter.achievementTypes ?? [],
    issuers: filter.issuers ?? [],
    sort: query.sort === 'recent' ? 'recent' : 'relevance',
  };
}

function FieldError(props: { id: string; error: unknown; pointer: string }) {
  const message = fieldError(props.error, props.pointer);
  if (!message) return null;
  return (
    <small id={`${props.id}-error`} class="error">
      {message}
    </small>
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
      <ul class="reasons">
        {props.matches.map((m) => (
          <li key={m.skill}>
            <span class="mark ok" aria-hidden="true">
              ✓
            </span>{' '}
            <strong>{props.names.get(m.skill) ?? m.skill}</strong>, shown by:
            <ul>
              {m.badges.map((b) => (
                <li key={b.credentialId}>
                  <a href={b.verifyUrl}>{b.achievementName ?? 'a badge'}</a>
                  {b.issuerName ? ` from ${b.issuerName}` : ''}
                  {b.issuedAt ? `, issued ${date(b.issuedAt)}` : ''}
                  {b.result ? `, result ${b.result}` : ''}
                </li>
              ))}
            </ul>
          </li>
        ))}
      </ul>
    </>
  );
}

/** Puts a candidate on the shortlist with a note (or changes the note). */
export function ShortlistForm(props: { learnerId: string; name: string; note?: string }) {
  const current = useSignal(session);
  const [note, setNote] = useState(props.note ?? '');
  const [state, setState] = useState<'idle' | 'busy' | 'done'>('idle');
  const [error, setError] = useState<unknown>();
  const id = `note-${props.learnerId.replace(/[^\w-]/g, '_')}`;
  async function save(e: Event) {
    e.preventDefault();
    const employerId = current?.employerId;
    if (!employerId) return;
    if (note.length > 2000)
      return setError({ errors: [{ pointer: '/note', detail: 'at most 2,000 characters' }] });
    setState('busy');
    setError(undefined);
    const { error: failed } = await api.PUT('/employers/{employerId}/shortlist/{learnerId}', {
      params: { path: { employerId, learnerId: props.learnerId } },
      body: { note },
    });
    setState(failed === undefined ? 'done' : 'idle');
    setError(failed);
  }
  return (
    <form class="shortlist-form" onSubmit={save}>
      <label for={id}>Note on {props.name}</label>
      <textarea
        id={id}
        rows={2}
        maxLength={2000}
        value={note}
        onInput={(e) => setNote(e.currentTarget.value)}
        aria-describedby={fieldError(error, '/note') ? `${id}-error` : undefined}
        aria-invalid={fieldError(error, '/note') ? 'true' : undefined}
      />
      <FieldError id={id} error={error} pointer="/note" />
      <div class="row">
        <button type="submit" disabled={state === 'busy'}>
          {props.note === undefined ? `Shortlist ${props.name}` : 'Save note'}
        </button>
        <span role="status">
          {state === 'done' && (props.note === undefined ? 'On your shortlist.' : 'Note saved.')}
        </span>
      </div>
      {error !== undefined && !fieldError(error, '/note') && <ErrorNote error={error} />}
    </form>
  );
}

function FacetList(props: {
  title: string;
  buckets: readonly { key: string; count: number; label?: string }[] | undefined;
  names: Map<string, string>;
  active: (key: string) => boolean;
  toggle: (key: string, label: string | undefined) => void;
}) {
  const buckets = props.buckets ?? [];
  if (buckets.length === 0) return null;
  return (
    <div>
      <h3>{props.title}</h3>
      <ul class="facets" aria-label={`Filter by ${props.title.toLowerCase()}`}>
        {buckets.map((b) => (
          <li key={b.key}>
            <button
              type="button"
              class="facet"
              aria-pressed={props.active(b.key) ? 'true' : 'false'}
              onClick={() => props.toggle(b.key, b.label ?? props.names.get(b.key))}
            >
              {b.label ?? props.names.get(b.key) ?? b.key}
              {frameworkOf(b.key) && ` · ${frameworkOf(b.key)}`}{' '}
              <span class="count">{b.count}</span>
              <span class="visually-hidden"> candidates</span>
            </button>
          </li>
        ))}
      </ul>
    </div>
  );
}

type Saved = NonNullable<
  paths['/employers/{employerId}/saved-searches']['get']['responses'][200]['content']['application/json']
>['items'][number];

function SavedSearches(props: {
  employerId: string;
  version: number;
  open: (saved: Saved) => void;
}) {
  const [load, reload] = useLoad(
    () =>
      api.GET('/employers/{employerId}/saved-searches', {
        params: { path: { employerId: props.employerId } },
      }),
    [props.employerId, props.version],
  );
  async function remove(saved: Saved) {
    await api.DELETE('/employers/{employerId}/saved-searches/{searchId}', {
      params: { path: { employerId: props.employerId, searchId: saved.id } },
    });
    reload();
  }
  return (
    <section class="saved" aria-labelledby="saved-title">
      <h2 id="saved-title">Saved searches</h2>
      <Loaded load={load} what="your saved searches">
        {(data) =>
          data.items.length === 0 ? (
            <p class="muted">None yet: run a search, then save it to follow new matches.</p>
          ) : (
            <ul class="saved-list">
              {data.items.map((saved) => (
                <li key={saved.id}>
                  <button type="button" class="link" onClick={() => props.open(saved)}>
                    Open {saved.name}
                  </button>{' '}
                  <span class={saved.newMatches > 0 ? 'count new' : 'count'}>
                    {saved.newMatches} new match{saved.newMatches === 1 ? '' : 'es'}
                  </span>{' '}
                  <span class="muted">since {date(saved.lastSeenAt)}</span>{' '}
                  <button
                    type="button"
                    class="link"
                    aria-label={`Delete saved search ${saved.name}`}
                    onClick={() => void remove(saved)}
                  >
                    Delete
                  </button>
                </li>
              ))}
            </ul>
          )
        }
      </Loaded>
    </section>
  );
}

function SaveSearch(props: { employerId: string; query: Query; saved: () => void }) {
  const [name, setName] = useState('');
  const [error, setError] = useState<unknown>();
  const [done, setDone] = useState('');
  async function save(e: Event) {
    e.preventDefault();
    setDone('');
    if (name.trim() === '')
      return setError({ errors: [{ pointer: '/name', detail: 'Give the search a name.' }] });
    const { data, error: failed } = await api.POST('/employers/{employerId}/saved-searches', {
      params: { path: { employerId: props.employerId } },
      body: { name, query: props.query },
    });
    setError(failed);
    if (data) {
      setDone(`Saved as “${data.name}”.`);
      setName('');
      props.saved();
    }
  }
  const nameError = fieldError(error, '/name');
  return (
    <form class="row save-search" onSubmit={save}>
      <label for="save-name">Save this search as</label>
      <input
        id="save-name"
        value={name}
        maxLength={120}
        onInput={(e) => setName(e.currentTarget.value)}
        aria-invalid={nameError ? 'true' : undefined}
        aria-describedby={nameError ? 'save-name-error' : undefined}
      />
      <button type="submit">Save search</button>
      <FieldError id="save-name" error={error} pointer="/name" />
      <span role="status">{done}</span>
      {error !== undefined && !nameError && <ErrorNote error={error} />}
    </form>
  );
}

function Search() {
  const current = useSignal(session);
  const employerId = current?.employerId ?? '';
  const [form, setForm] = useState<Form>(EMPTY_FORM);
  const [ran, setRan] = useState<Query>();
  const [results, setResults] = useState<Results>();
  const [pages, setPages] = useState<string[]>([]);
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const [savedVersion, setSavedVersion] = useState(0);
  const set = (change: Partial<Form>) => setForm({ ...form, ...change });

  async function run(next: Form, after?: string) {
    const { query, problem } = queryOf(next);
    if (!query) {
      setError(problem);
      return;
    }
    setBusy(true);
    setError(undefined);
    const { data, error: failed } = await api.POST('/candidates/search', {
      body: { ...query, size: 10, facets: true, ...(after ? { after } : {}) },
    });
    setBusy(false);
    if (failed !== undefined) {
      setError(failed);
      setResults(undefined);
      return;
    }
    setRan(query);
    setResults(data);
  }

  function refine(change: Partial<Form>) {
    const next = { ...form, ...change };
    setForm(next);
    setPages([]);
    void run(next);
  }

  async function exportCsv() {
    if (!ran) return;
    const { data, error: failed } = await api.POST('/candidates/export', {
      body: ran,
      parseAs: 'text',
    });
    if (failed !== undefined) return setError(failed);
    download('candidates.csv', 'text/csv', data ?? '');
  }

  async function openSaved(saved: Saved) {
    const next = formOf(saved.query as Query);
    setForm(next);
    setPages([]);
    await run(next);
    await api.POST('/employers/{employerId}/saved-searches/{searchId}/seen', {
      params: { path: { employerId, searchId: saved.id } },
    });
    setSavedVersion((v) => v + 1);
  }

  const names = new Map<string, string>([
    ...[...form.mustHave.skills, ...form.niceToHave.skills, ...form.atLeastOf.skills].map(
      (s) => [s.key, s.label] as const,
    ),
    ...(results?.skills ?? []).map((s) => [s.key, s.name ?? s.key] as const),
  ]);
  const hits = results?.hits ?? [];
  const facets = results?.facets;
  const toggle = (list: readonly string[], key: string) =>
    list.includes(key) ? list.filter((k) => k !== key) : [...list, key];
  const mustKeys = pickedKeys(form.mustHave);
  /**
   * A skill facet adds the skill to the must-haves as a named chip, as a picked suggestion
   * does, or takes it out again (chip or typed key), then searches again.
   */
  async function toggleSkill(key: string, label: string | undefined) {
    const { skills, text } = form.mustHave;
    if (mustKeys.includes(key))
      return refine({
        mustHave: {
          skills: skills.filter((s) => s.key !== key),
          text: keys(text)
            .filter((k) => k !== key)
            .join(', '),
        },
      });
    refine({ mustHave: { skills: [...skills, await skillOfKey(key, label)], text } });
  }
  return (
    <Page title="Find candidates">
      <SavedSearches employerId={employerId} version={savedVersion} open={openSaved} />
      <form
        class="search-form"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          setPages([]);
          void run(form);
        }}
      >
        <SkillPicker
          id="must-have"
          label="Must have"
          hint="Type a skill or occupation and pick it, or paste skill keys (ONET:…, ESCO:…) separated by commas. A pick also matches badges aligned to its O*NET/ESCO crosswalk equivalents."
          value={form.mustHave}
          onChange={(mustHave) => set({ mustHave })}
          error={fieldError(error, '/mustHave')}
        />
        <SkillPicker
          id="nice-to-have"
          label="Nice to have"
          hint="Ranks candidates higher; not required."
          value={form.niceToHave}
          onChange={(niceToHave) => set({ niceToHave })}
          error={fieldError(error, '/niceToHave')}
        />
        <div class="field">
          <label for="at-least-n">At least how many of the skills below</label>
          <input
            id="at-least-n"
            type="number"
            min={1}
            value={form.atLeastN}
            onInput={(e) => set({ atLeastN: Number(e.currentTarget.value) })}
            aria-invalid={fieldError(error, '/atLeast/n') ? 'true' : undefined}
            aria-describedby={fieldError(error, '/atLeast/n') ? 'at-least-n-error' : undefined}
          />
          <FieldError id="at-least-n" error={error} pointer="/atLeast/n" />
        </div>
        <SkillPicker
          id="at-least-of"
          label="of these skills"
          hint="Leave empty for none."
          value={form.atLeastOf}
          onChange={(atLeastOf) => set({ atLeastOf })}
          error={fieldError(error, '/atLeast/of')}
        />
        <fieldset class="filters">
          <legend>Count only badges that are</legend>
          <div class="field">
            <label for="issued-after">Issued after</label>
            <input
              id="issued-after"
              type="date"
              value={form.issuedAfter}
              onInput={(e) => set({ issuedAfter: e.currentTarget.value })}
              aria-invalid={fieldError(error, '/filter/issuedAfter') ? 'true' : undefined}
              aria-describedby={
                fieldError(error, '/filter/issuedAfter') ? 'issued-after-error' : undefined
              }
            />
            <FieldError id="issued-after" error={error} pointer="/filter/issuedAfter" />
          </div>
          <div class="field">
            <label for="min-result">Minimum result (0–100)</label>
            <input
              id="min-result"
              type="number"
              min={0}
              max={100}
              value={form.minResult}
              onInput={(e) => set({ minResult: e.currentTarget.value })}
              aria-invalid={fieldError(error, '/filter/minResultLevel') ? 'true' : undefined}
              aria-describedby={`min-result-hint${fieldError(error, '/filter/minResultLevel') ? ' min-result-error' : ''}`}
            />
            <small id="min-result-hint" class="muted">
              Badges without a ranked result do not count when set.
            </small>
            <FieldError id="min-result" error={error} pointer="/filter/minResultLevel" />
          </div>
          <div class="field">
            <label for="issuer-tiers">Issuer trust tiers</label>
            <input
              id="issuer-tiers"
              value={form.issuerTiers}
              onInput={(e) => set({ issuerTiers: e.currentTarget.value })}
              aria-describedby={`issuer-tiers-hint${fieldError(error, '/filter/issuerTiers') ? ' issuer-tiers-error' : ''}`}
              aria-invalid={fieldError(error, '/filter/issuerTiers') ? 'true' : undefined}
            />
            <small id="issuer-tiers-hint" class="muted">
              Tiers your platform gives issuers, separated by commas (for example accredited).
            </small>
            <FieldError id="issuer-tiers" error={error} pointer="/filter/issuerTiers" />
          </div>
          <div class="field">
            <label for="achievement-type">Achievement type</label>
            <select
              id="achievement-type"
              value={form.achievementTypes[0] ?? ''}
              onChange={(e) =>
                set({ achievementTypes: e.currentTarget.value ? [e.currentTarget.value] : [] })
              }
            >
              <option value="">Any type</option>
              {[...new Set([...ACHIEVEMENT_TYPES, ...form.achievementTypes])].map((t) => (
                <option key={t} value={t}>
                  {t}
                </option>
              ))}
            </select>
            <FieldError id="achievement-type" error={error} pointer="/filter/achievementTypes" />
          </div>
          {form.issuers.length > 0 && (
            <p>
              Issuers: {form.issuers.map((i) => names.get(i) ?? i).join(', ')}{' '}
              <button type="button" class="link" onClick={() => refine({ issuers: [] })}>
                Any issuer
              </button>
            </p>
          )}
        </fieldset>
        <div class="field">
          <label for="sort">Sort by</label>
          <select
            id="sort"
            value={form.sort}
            aria-describedby="sort-hint"
            onChange={(e) => set({ sort: e.currentTarget.value as 'relevance' | 'recent' })}
          >
            <option value="relevance">Best match</option>
            <option value="recent">Most recent badges</option>
          </select>
          {/* The explanation sits under the control: inside the option it was cut off on phones. */}
          <small id="sort-hint" class="muted">
            Best match ranks must-haves first, then nice-to-haves.
          </small>
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
      {error !== undefined && <ErrorNote error={error} />}
      {results && (
        <div class="results">
          <h2 aria-live="polite">
            {results.total} candidate{results.total === 1 ? '' : 's'}
          </h2>
          {ran && (
            <SaveSearch
              employerId={employerId}
              query={ran}
              saved={() => setSavedVersion((v) => v + 1)}
            />
          )}
          {results.unknownSkills.length > 0 && (
            <p class="error">
              Not known: {results.unknownSkills.map((u) => `${u.input} (${u.reason})`).join('; ')}
            </p>
          )}
          {facets && (
            <section class="facet-panel" aria-labelledby="facets-title">
              <h2 id="facets-title" class="visually-hidden">
                Refine
              </h2>
              <FacetList
                title="Skills"
                buckets={facets.skills}
                names={names}
                active={(key) => mustKeys.includes(key)}
                toggle={(key, label) => void toggleSkill(key, label)}
              />
              <FacetList
                title="Issuers"
                buckets={facets.issuers}
                names={names}
                active={(key) => form.issuers.includes(key)}
                toggle={(key) => refine({ issuers: toggle(form.issuers, key) })}
              />
              <FacetList
                title="Achievement types"
                buckets={facets.achievementTypes}
                names={names}
                active={(key) => form.achievementTypes.includes(key)}
                toggle={(key) => refine({ achievementTypes: toggle(form.achievementTypes, key) })}
              />
            </section>
          )}
          {hits.length === 0 ? (
            <p>No consenting candidate has badges showing these skills.</p>
          ) : (
            <ol class="cards" aria-label="Candidates">
              {hits.map((hit) => {
                const missing = [...hit.missing.niceToHave, ...hit.missing.atLeast];
                const name = hit.displayName ?? hit.learnerId;
                return (
                  <li key={hit.learnerId} class="card hit">
                    <h3>
                      <a href={`/app/candidates/${encodeURIComponent(hit.learnerId)}`}>{name}</a>
                    </h3>
                    <SkillMatches title="Must have" matches={hit.matched.mustHave} names={names} />
                    <SkillMatches
                      title="Nice to have"
                      matches={hit.matched.niceToHave}
                      names={names}
                    />
                    <SkillMatches
                      title="At least N of"
                      matches={hit.matched.atLeast}
                      names={names}
                    />
                    {missing.length > 0 && (
                      <>
                        <h4>Missing</h4>
                        <ul class="reasons missing">
                          {[...new Set(missing)].map((k) => (
                            <li key={k}>
                              <span class="mark" aria-hidden="true">
                                ✗
                              </span>{' '}
                              {names.get(k) ?? k} <span class="visually-hidden">(missing)</span>
                            </li>
                          ))}
                        </ul>
                      </>
                    )}
                    <details>
                      <summary>Shortlist {name}</summary>
                      <ShortlistForm learnerId={hit.learnerId} name={name} />
                    </details>
                  </li>
                );
              })}
            </ol>
          )}
          <nav class="row" aria-label="Result pages">
            {pages.length > 0 && (
              <button
                type="button"
                onClick={() => {
                  const previous = pages.slice(0, -1);
                  setPages(previous);
                  void run(form, previous.at(-1));
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
                  void run(form, results.next);
                }}
              >
                Next page
              </button>
            )}
          </nav>
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
              {(profile.badges as unknown as CandidateBadge[]).map((b) => (
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
          <h2>Shortlist</h2>
          <ShortlistForm learnerId={profile.learnerId} name={profile.displayName} />
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
