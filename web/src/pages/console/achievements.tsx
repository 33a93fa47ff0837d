import { useState } from 'preact/hooks';
import { api, fieldError, problemText } from '../../api/client.ts';
import type { paths } from '../../api/schema.d.ts';
import { date, ErrorNote, Loaded, useLoad } from '../../ui.tsx';
import { ConsolePage } from './common.tsx';

type Achievement =
  paths['/issuers/{issuerId}/achievements']['get']['responses'][200]['content']['application/json']['items'][number];
type Skill =
  paths['/skills']['get']['responses'][200]['content']['application/json']['items'][number];

/** The achievement types of Open Badges 3.0 an issuer picks from most (others via the API). */
const TYPES = [
  'Badge',
  'Certificate',
  'Certification',
  'Competency',
  'Course',
  'License',
  'MicroCredential',
  'Assessment',
  'Award',
] as const;

interface Alignment {
  readonly targetName: string;
  readonly targetUrl: string;
  readonly targetCode?: string;
  readonly targetFramework?: string;
}

/** What the form edits; turned into an achievement definition on save. */
interface Draft {
  name: string;
  description: string;
  criteria: string;
  type: string;
  credits: string;
  results: string;
  tags: string;
  skills: readonly Skill[];
  /** Alignments of the version edited that the picker does not know: kept as they were. */
  otherAlignments: readonly Alignment[];
  image: { kind: 'drawn' } | { kind: 'uploaded'; url: string };
  statusPurpose: 'revocation' | 'suspension';
}

const EMPTY: Draft = {
  name: '',
  description: '',
  criteria: '',
  type: 'Badge',
  credits: '',
  results: '',
  tags: '',
  skills: [],
  otherAlignments: [],
  image: { kind: 'drawn' },
  statusPurpose: 'revocation',
};

const ONET_SUMMARY = 'https://www.onetonline.org/link/summary/';
const ESCO_BASE = 'http://data.europa.eu/esco/';

/** The Open Badges alignment of a skill picked from O*NET or ESCO. */
function alignmentOf(skill: Skill): Alignment {
  const code = skill.key.slice(skill.key.indexOf(':') + 1);
  return skill.framework === 'ONET'
    ? {
        targetName: skill.label,
        targetUrl: `${ONET_SUMMARY}${code}`,
        targetCode: code,
        targetFramework: 'O*NET-SOC',
      }
    : {
        targetName: skill.label,
        targetUrl: `${ESCO_BASE}${skill.kind}/${code}`,
        targetCode: code,
        targetFramework: 'ESCO',
      };
}

/** The picker's skill for an alignment of a stored version, when it is O*NET or ESCO. */
function skillOf(alignment: Alignment): Skill | undefined {
  if (alignment.targetUrl.startsWith(ONET_SUMMARY)) {
    const code = alignment.targetUrl.slice(ONET_SUMMARY.length);
    return {
      key: `ONET:${code}`,
      label: alignment.targetName,
      framework: 'ONET',
      kind: 'occupation',
      crosswalk: [],
      equivalents: [],
    };
  }
  const esco = /^https?:\/\/data\.europa\.eu\/esco\/(skill|occupation)\/(.+)$/.exec(
    alignment.targetUrl,
  );
  if (esco?.[1] && esco[2])
    return {
      key: `ESCO:${esco[2]}`,
      label: alignment.targetName,
      framework: 'ESCO',
      kind: esco[1] as Skill['kind'],
      crosswalk: [],
      equivalents: [],
    };
  return undefined;
}

function draftOf(achievement: Achievement): Draft {
  const d = achievement.definition as Record<string, unknown> & {
    name: string;
    description: string;
    criteria: { narrative?: string };
  };
  const alignments = (d.alignment as Alignment[] | undefined) ?? [];
  const results = (d.resultDescription as { name: string }[] | undefined) ?? [];
  const image = d.image as string | { id: string } | undefined;
  const imageUrl = typeof image === 'string' ? image : image?.id;
  return {
    name: d.name,
    description: d.description,
    criteria: d.criteria.narrative ?? '',
    type: typeof d.achievementType === 'string' ? d.achievementType : 'Badge',
    credits: typeof d.creditsAvailable === 'number' ? String(d.creditsAvailable) : '',
    results: results.map((r) => r.name).join('\n'),
    tags: ((d.tag as string[] | undefined) ?? []).join(', '),
    skills: alignments.map(skillOf).filter((s): s is Skill => s !== undefined),
    otherAlignments: alignments.filter((a) => skillOf(a) === undefined),
    image: imageUrl ? { kind: 'uploaded', url: imageUrl } : { kind: 'drawn' },
    statusPurpose: achievement.statusPurpose ?? 'revocation',
  };
}

function definitionOf(draft: Draft) {
  const lines = (text: string, separator: RegExp) =>
    text
      .split(separator)
      .map((t) => t.trim())
      .filter(Boolean);
  const results = lines(draft.results, /\n/);
  const tags = lines(draft.tags, /,/);
  const alignment = [...draft.skills.map(alignmentOf), ...draft.otherAlignments];
  return {
    name: draft.name.trim(),
    description: draft.description.trim(),
    criteria: { narrative: draft.criteria.trim() },
    achievementType: draft.type,
    ...(draft.credits.trim() !== '' ? { creditsAvailable: Number(draft.credits) } : {}),
    ...(results.length
      ? {
          resultDescription: results.map((name, index) => ({
            id: `urn:credstack:result:${index + 1}`,
            name,
            resultType: 'Status',
          })),
        }
      : {}),
    ...(tags.length ? { tag: tags } : {}),
    ...(alignment.length ? { alignment } : {}),
    ...(draft.image.kind === 'uploaded' ? { image: { id: draft.image.url } } : {}),
  };
}

function SkillPicker(props: { value: readonly Skill[]; onChange: (v: readonly Skill[]) => void }) {
  const [text, setText] = useState('');
  const [suggestions, setSuggestions] = useState<readonly Skill[]>([]);
  async function suggest(next: string) {
    setText(next);
    const q = next.trim();
    if (q.length < 2) return setSuggestions([]);
    const { data } = await api.GET('/skills', { params: { query: { q } } });
    setSuggestions(
      (data?.items ?? []).filter((s) => !props.value.some((p) => p.key === s.key)).slice(0, 8),
    );
  }
  return (
    <div class="field">
      <label for="ach-skills">Skill alignments (O*NET and ESCO)</label>
      {props.value.length > 0 && (
        <ul class="stack-form skill-list" aria-label="Aligned skills">
          {props.value.map((skill) => (
            <li key={skill.key}>
              <strong>{skill.label}</strong> <span class="muted">{skill.key}</span>{' '}
              <button
                type="button"
                class="link"
                aria-label={`Remove ${skill.label}`}
                onClick={() => props.onChange(props.value.filter((s) => s.key !== skill.key))}
              >
                Remove
              </button>
              {skill.crosswalk.length > 0 && (
                <small class="muted">
                  {' '}
                  Crosswalk: search also finds it as {skill.crosswalk.join(', ')}
                </small>
              )}
            </li>
          ))}
        </ul>
      )}
      <input
        id="ach-skills"
        value={text}
        autocomplete="off"
        aria-describedby="ach-skills-hint"
        onInput={(e) => void suggest(e.currentTarget.value)}
      />
      <small id="ach-skills-hint" class="muted">
        Type a few letters of a skill or occupation and pick it.
      </small>
      {suggestions.length > 0 && (
        <ul class="suggestions" aria-label="Skill suggestions">
          {suggestions.map((skill) => (
            <li key={skill.key}>
              <button
                type="button"
                class="link"
                onClick={() => {
                  props.onChange([...props.value, skill]);
                  setSuggestions([]);
                  setText('');
                }}
              >
                Add {skill.label}
              </button>{' '}
              <span class="muted">
                {skill.framework === 'ONET' ? 'O*NET' : 'ESCO'} {skill.kind} · {skill.key}
                {skill.crosswalk.length > 0 && ` · crosswalk: ${skill.crosswalk.join(', ')}`}
              </span>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

function readAsBase64(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result).replace(/^data:[^,]*,/, ''));
    reader.onerror = () => reject(reader.error);
    reader.readAsDataURL(file);
  });
}

function ImageField(props: {
  issuerId: string;
  value: Draft['image'];
  onChange: (v: Draft['image']) => void;
}) {
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  async function upload(file: File | undefined) {
    setError(undefined);
    if (!file) return;
    const contentType =
      file.type === 'image/png' || file.name.toLowerCase().endsWith('.png')
        ? 'image/png'
        : file.type === 'image/svg+xml' || file.name.toLowerCase().endsWith('.svg')
          ? 'image/svg+xml'
          : undefined;
    if (!contentType) return setError('Choose a PNG or an SVG file.');
    setBusy(true);
    const { data, error: problem } = await api.POST('/issuers/{issuerId}/uploads', {
      params: { path: { issuerId: props.issuerId } },
      body: { contentType, data: await readAsBase64(file) },
    });
    setBusy(false);
    if (problem !== undefined) return setError(problemText(problem));
    if (data) props.onChange({ kind: 'uploaded', url: data.url });
  }
  return (
    <fieldset>
      <legend>Badge image</legend>
      <label>
        <input
          type="radio"
          name="ach-image"
          checked={props.value.kind === 'drawn'}
          onChange={() => props.onChange({ kind: 'drawn' })}
        />{' '}
        The badge credstack draws from the name
      </label>
      <label for="ach-image-file">Upload a PNG or SVG (at most 256 KB)</label>
      <input
        id="ach-image-file"
        type="file"
        accept="image/png,image/svg+xml,.png,.svg"
        aria-describedby={error ? 'ach-image-error' : undefined}
        onChange={(e) => void upload(e.currentTarget.files?.[0])}
      />
      {busy && <p class="muted">Checking the image…</p>}
      {error && (
        <p id="ach-image-error" class="error" role="alert">
          {error}
        </p>
      )}
      {props.value.kind === 'uploaded' && (
        <p class="row">
          <img class="preview" src={props.value.url} alt="The uploaded badge" />
          <span class="ok-note" role="status">
            Image ready.
          </span>
        </p>
      )}
    </fieldset>
  );
}

function AchievementForm(props: {
  issuerId: string;
  editing?: Achievement;
  onDone: (saved: Achievement) => void;
  onCancel: () => void;
}) {
  const [draft, setDraft] = useState<Draft>(props.editing ? draftOf(props.editing) : EMPTY);
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const set = (patch: Partial<Draft>) => setDraft({ ...draft, ...patch });
  const text = (
    name: 'name' | 'description' | 'criteria' | 'credits',
    label: string,
    pointer: string,
  ) => {
    const message = fieldError(error, pointer);
    const id = `ach-${name}`;
    const props = {
      id,
      value: draft[name],
      'aria-invalid': message ? ('true' as const) : undefined,
      'aria-describedby': message ? `${id}-error` : undefined,
      onInput: (e: { currentTarget: { value: string } }) => set({ [name]: e.currentTarget.value }),
    };
    return (
      <div class="field">
        <label for={id}>{label}</label>
        {name === 'description' || name === 'criteria' ? (
          <textarea rows={3} {...props} />
        ) : (
          <input inputMode={name === 'credits' ? 'decimal' : undefined} {...props} />
        )}
        {message && (
          <small id={`${id}-error`} class="error">
            {message}
          </small>
        )}
      </div>
    );
  };
  async function save(e: Event) {
    e.preventDefault();
    setBusy(true);
    const definition = definitionOf(draft);
    const result = props.editing
      ? await api.POST('/issuers/{issuerId}/achievements/{achievementId}/versions', {
          params: { path: { issuerId: props.issuerId, achievementId: props.editing.id } },
          body: { definition } as never,
        })
      : await api.POST('/issuers/{issuerId}/achievements', {
          params: { path: { issuerId: props.issuerId } },
          body: { definition, statusPurpose: draft.statusPurpose } as never,
        });
    setBusy(false);
    setError(result.error);
    if (result.data) props.onDone(result.data as Achievement);
  }
  const title = props.editing
    ? `Edit ${props.editing.definition.name} (saves version ${(props.editing.revision ?? 1) + 1})`
    : 'New achievement';
  return (
    <form class="card" onSubmit={save} aria-labelledby="ach-form-heading">
      <h2 id="ach-form-heading">{title}</h2>
      {props.editing && (
        <p class="notice">
          Saving makes a new version with its own address. Credentials already issued keep the
          version they were signed with; new awards use the new one.
        </p>
      )}
      {text('name', 'Name', '/definition/name')}
      {text('description', 'Description', '/definition/description')}
      {text('criteria', 'Criteria: what an earner did', '/definition/criteria')}
      <div class="field">
        <label for="ach-type">Type</label>
        <select
          id="ach-type"
          value={draft.type}
          onChange={(e) => set({ type: e.currentTarget.value })}
        >
          {TYPES.map((t) => (
            <option key={t} value={t}>
              {t}
            </option>
          ))}
        </select>
      </div>
      {text('credits', 'Credits available (optional)', '/definition/creditsAvailable')}
      <div class="field">
        <label for="ach-results">Result descriptions, one per line (optional)</label>
        <textarea
          id="ach-results"
          rows={2}
          value={draft.results}
          onInput={(e) => set({ results: e.currentTarget.value })}
        />
      </div>
      <div class="field">
        <label for="ach-tags">Tags, separated by commas (optional)</label>
        <input
          id="ach-tags"
          value={draft.tags}
          onInput={(e) => set({ tags: e.currentTarget.value })}
        />
      </div>
      <SkillPicker value={draft.skills} onChange={(skills) => set({ skills })} />
      <ImageField
        issuerId={props.issuerId}
        value={draft.image}
        onChange={(image) => set({ image })}
      />
      {!props.editing && (
        <div class="field">
          <label for="ach-status">When a credential must be withdrawn</label>
          <select
            id="ach-status"
            value={draft.statusPurpose}
            onChange={(e) =>
              set({ statusPurpose: e.currentTarget.value as Draft['statusPurpose'] })
            }
          >
            <option value="revocation">Revoke it (permanent)</option>
            <option value="suspension">Suspend it (can be reinstated)</option>
          </select>
        </div>
      )}
      {error !== undefined && <ErrorNote error={error} />}
      <div class="row">
        <button type="submit" disabled={busy}>
          {props.editing ? 'Save new version' : 'Create achievement'}
        </button>
        <button type="button" class="link" onClick={props.onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}

/** Every page of the issuer's achievements: versions are told apart across pages. */
export async function allAchievements(
  issuerId: string,
): Promise<{ data?: { items: Achievement[] }; error?: unknown }> {
  const items: Achievement[] = [];
  let cursor: string | undefined;
  do {
    const { data, error } = await api.GET('/issuers/{issuerId}/achievements', {
      params: { path: { issuerId }, query: cursor ? { cursor } : {} },
    });
    if (error !== undefined || !data) return { error };
    items.push(...data.items);
    cursor = data.cursor;
  } while (cursor !== undefined);
  return { data: { items } };
}

function AchievementList(props: { issuerId: string }) {
  const [load, reload] = useLoad(() => allAchievements(props.issuerId), [props.issuerId]);
  const [form, setForm] = useState<{ editing?: Achievement } | undefined>();
  const [saved, setSaved] = useState<string>();
  return (
    <>
      {saved && (
        <p class="ok-note" role="status">
          {saved}
        </p>
      )}
      {form ? (
        <AchievementForm
          issuerId={props.issuerId}
          {...(form.editing ? { editing: form.editing } : {})}
          onCancel={() => setForm(undefined)}
          onDone={(achievement) => {
            setForm(undefined);
            setSaved(
              `Saved ${achievement.definition.name}${achievement.revision ? ` (version ${achievement.revision})` : ''}.`,
            );
            reload();
          }}
        />
      ) : (
        <p>
          <button type="button" onClick={() => setForm({})}>
            New achievement
          </button>
        </p>
      )}
      <Loaded load={load} what="achievements">
        {(page) => {
          const replaced = new Set(page.items.map((a) => a.previousId).filter(Boolean));
          const current = page.items.filter((a) => !replaced.has(a.id));
          if (current.length === 0) return <p class="muted">No achievements yet.</p>;
          return (
            <ul class="cards" aria-label="Achievements">
              {current.map((achievement) => {
                const d = achievement.definition as Record<string, unknown>;
                const alignments = (d.alignment as Alignment[] | undefined) ?? [];
                return (
                  <li key={achievement.id} class="card">
                    <h3>{achievement.definition.name}</h3>
                    <p class="muted">
                      Version {achievement.revision ?? 1} ·{' '}
                      {String(d.achievementType ?? 'Achievement')} · created{' '}
                      {date(achievement.createdAt)}
                    </p>
                    {alignments.length > 0 && (
                      <p>Skills: {alignments.map((a) => a.targetName).join('; ')}</p>
                    )}
                    <p class="row">
                      <a href={achievement.url}>Public definition</a>
                      <button
                        type="button"
                        class="link"
                        onClick={() => setForm({ editing: achievement })}
                      >
                        Edit {achievement.definition.name}
                      </button>
                    </p>
                  </li>
                );
              })}
            </ul>
          );
        }}
      </Loaded>
    </>
  );
}

export function AchievementsPage() {
  return (
    <ConsolePage title="Achievements">
      {(issuerId) => <AchievementList issuerId={issuerId} />}
    </ConsolePage>
  );
}
