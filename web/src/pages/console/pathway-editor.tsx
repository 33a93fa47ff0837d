import { useEffect, useRef, useState } from 'preact/hooks';
import { useLocation } from 'preact-iso';
import { api } from '../../api/client.ts';
import { date, ErrorNote, Loaded, Page, useLoad } from '../../ui.tsx';
import { useIssuerId } from './awarding.tsx';

/**
 * The pathway editor: the rule (credstack-pathway/1) as a tree of requirements, checked as it
 * is typed by the API's own validator (`/pathways/validate`, the checks a save makes) with
 * each problem shown at its node; a preview for a sample learner (`/pathways/preview`, the
 * evaluation progress and what-if use); versions; publishing with a confirmation; and the
 * retroactive job that awards everyone who already qualifies.
 */

type Json = Record<string, unknown>;
type Node = Json;
interface Draft {
  format: 'credstack-pathway/1';
  id: string;
  name: string;
  description?: string;
  policy: { onLapse: 'suspend' | 'revoke' };
  root: Node;
  [key: string]: unknown;
}
interface Problem {
  readonly pointer: string;
  readonly detail: string;
}
interface Explained {
  readonly path: string;
  readonly satisfied: boolean;
  readonly kOfN?: { have: number; need: number };
  readonly requirement?: string;
  readonly children?: readonly Explained[];
}
interface Achievement {
  readonly id: string;
  readonly name: string;
}
interface Catalogue {
  readonly achievements: readonly Achievement[];
  readonly pathways: readonly string[];
}

const KINDS = {
  allOf: 'All of',
  anyOf: 'Any of',
  nOf: 'N of',
  achievement: 'Achievement',
  skill: 'Skill',
  pathway: 'Sub-pathway',
  credits: 'Credits',
} as const;
type Kind = keyof typeof KINDS;

function kindOf(node: Node): Kind {
  return (Object.keys(KINDS) as Kind[]).find((k) => k in node) ?? 'achievement';
}

/** A fresh node of a kind, keeping what every kind shares (title, label). */
function fresh(kind: Kind, from: Node = {}): Node {
  const keep: Json = {};
  if (typeof from.title === 'string') keep.title = from.title;
  if (typeof from.label === 'string') keep.label = from.label;
  switch (kind) {
    case 'allOf':
      return { ...keep, allOf: [{ achievement: '' }] };
    case 'anyOf':
      return { ...keep, anyOf: [{ achievement: '' }] };
    case 'nOf':
      return { ...keep, nOf: { n: 1, of: [{ achievement: '' }] } };
    case 'achievement':
      return { ...keep, achievement: '' };
    case 'skill':
      return { ...keep, skill: { framework: 'O*NET-SOC', code: '' } };
    case 'pathway':
      return { ...keep, pathway: '' };
    case 'credits':
      return { ...keep, credits: { atLeast: 1 } };
  }
}

/** A node's children with their pointer suffixes, as the validator walks them. */
function children(node: Node): [string, Node][] {
  if (Array.isArray(node.allOf)) return node.allOf.map((c, i) => [`allOf/${i}`, c as Node]);
  if (Array.isArray(node.anyOf)) return node.anyOf.map((c, i) => [`anyOf/${i}`, c as Node]);
  const nOf = node.nOf as { of?: Node[] } | undefined;
  if (nOf && Array.isArray(nOf.of)) return nOf.of.map((c, i) => [`nOf/of/${i}`, c]);
  const credits = node.credits as { of?: Node } | undefined;
  if (credits?.of) return [['credits/of', credits.of]];
  return [];
}

function nodePaths(node: Node, at = '/root'): string[] {
  return [at, ...children(node).flatMap(([key, child]) => nodePaths(child, `${at}/${key}`))];
}

/** Each problem at the deepest node its pointer falls in; the rest belong to the document. */
function problemsByNode(draft: Draft, problems: readonly Problem[]): Map<string, Problem[]> {
  const paths = nodePaths(draft.root).sort((a, b) => b.length - a.length);
  const out = new Map<string, Problem[]>();
  for (const problem of problems) {
    const at =
      paths.find((p) => problem.pointer === p || problem.pointer.startsWith(`${p}/`)) ?? '';
    out.set(at, [...(out.get(at) ?? []), problem]);
  }
  return out;
}

function explainedByPath(root: Explained | undefined): Map<string, Explained> {
  const out = new Map<string, Explained>();
  const visit = (n: Explained) => {
    out.set(n.path, n);
    for (const c of n.children ?? []) visit(c);
  };
  if (root) visit(root);
  return out;
}

/** "1.2.3" for /root/allOf/1/nOf/of/2, the way people number requirements. */
function number(path: string): string {
  const numbers = [...path.matchAll(/\/(\d+)(?=\/|$)/g)].map((m) => Number(m[1]) + 1);
  return path === '/root' ? 'the rule' : numbers.length > 0 ? numbers.join('.') : 'credit source';
}

const idOf = (path: string, field: string) => `n${path.replace(/\//g, '-')}-${field}`;

/** Sets or (for an empty value) removes a key. */
function withField(node: Node, key: string, value: unknown): Node {
  const next = { ...node };
  if (value === '' || value === undefined) delete next[key];
  else next[key] = value;
  return next;
}

interface NodeProps {
  node: Node;
  path: string;
  catalogue: Catalogue;
  problems: Map<string, Problem[]>;
  preview: Map<string, Explained>;
  onChange: (node: Node) => void;
  onRemove?: () => void;
}

function TextField(props: {
  id: string;
  label: string;
  value: string | number | undefined;
  onInput: (value: string) => void;
  type?: 'text' | 'number';
  hint?: string;
}) {
  return (
    <span class="field">
      <label for={props.id}>{props.label}</label>
      <input
        id={props.id}
        {...(props.type === 'number' ? { inputMode: 'numeric' as const } : {})}
        value={props.value ?? ''}
        {...(props.hint ? { placeholder: props.hint } : {})}
        onInput={(e) => props.onInput((e.target as HTMLInputElement).value)}
      />
    </span>
  );
}

/** Minimum result, recency and order: what any leaf (and a credit sum) may also ask. */
function Constraints(props: NodeProps) {
  const { node, path, onChange } = props;
  const min = node.minResult as { atLeast?: string; resultDescription?: string } | undefined;
  return (
    <div class="row">
      <TextField
        id={idOf(path, 'min')}
        label="Minimum result"
        value={min?.atLeast}
        hint="e.g. 70 or Proficient"
        onInput={(v) =>
          onChange(withField(node, 'minResult', v === '' ? undefined : { ...min, atLeast: v }))
        }
      />
      <TextField
        id={idOf(path, 'within')}
        label="Earned within"
        value={node.within as string | undefined}
        hint="ISO duration, e.g. P2Y"
        onInput={(v) => onChange(withField(node, 'within', v))}
      />
      <TextField
        id={idOf(path, 'before')}
        label="Earned before (label)"
        value={node.before as string | undefined}
        onInput={(v) => onChange(withField(node, 'before', v))}
      />
    </div>
  );
}

function NodeEditor(props: NodeProps) {
  const { node, path, catalogue, onChange } = props;
  const kind = kindOf(node);
  const errors = props.problems.get(path) ?? [];
  const result = props.preview.get(path);
  const errorId = idOf(path, 'errors');
  const setChild = (key: string, child: Node) => {
    if (key === 'credits/of')
      return onChange({ ...node, credits: { ...(node.credits as Json), of: child } });
    const index = Number(key.split('/').pop());
    const list = children(node).map(([, c]) => c);
    list[index] = child;
    onChange(setList(list));
  };
  const setList = (list: Node[]): Node => {
    if (kind === 'nOf') return { ...node, nOf: { ...(node.nOf as Json), of: list } };
    return { ...node, [kind]: list };
  };
  const removeChild = (key: string) => {
    if (key === 'credits/of') {
      const { of: _, ...credits } = node.credits as Json;
      return onChange({ ...node, credits });
    }
    const index = Number(key.split('/').pop());
    onChange(setList(children(node).flatMap(([, c], i) => (i === index ? [] : [c]))));
  };
  const group = kind === 'allOf' || kind === 'anyOf' || kind === 'nOf';
  return (
    <li class={`req ${result ? (result.satisfied ? 'met' : 'open') : ''}`}>
      <fieldset aria-describedby={errors.length > 0 ? errorId : undefined}>
        <legend>
          Requirement {number(path)}: {KINDS[kind]}
          {result && (
            <span class="req-mark">
              {' '}
              · sample learner: {result.satisfied ? 'met' : 'not met'}
              {result.kOfN ? ` (${result.kOfN.have} of ${result.kOfN.need})` : ''}
            </span>
          )}
        </legend>
        <div class="row">
          <span class="field">
            <label for={idOf(path, 'kind')}>Kind</label>
            <select
              id={idOf(path, 'kind')}
              value={kind}
              onChange={(e) => onChange(fresh((e.target as HTMLSelectElement).value as Kind, node))}
            >
              {(Object.keys(KINDS) as Kind[]).map((k) => (
                <option key={k} value={k}>
                  {KINDS[k]}
                </option>
              ))}
            </select>
          </span>
          <TextField
            id={idOf(path, 'title')}
            label="Title"
            value={node.title as string | undefined}
            onInput={(v) => onChange(withField(node, 'title', v))}
          />
          <TextField
            id={idOf(path, 'label')}
            label="Label"
            value={node.label as string | undefined}
            onInput={(v) => onChange(withField(node, 'label', v))}
          />
          {kind === 'nOf' && (
            <TextField
              id={idOf(path, 'n')}
              label="How many"
              type="number"
              value={(node.nOf as { n: number }).n}
              onInput={(v) => onChange({ ...node, nOf: { ...(node.nOf as Json), n: Number(v) } })}
            />
          )}
          {kind === 'achievement' && (
            <span class="field">
              <label for={idOf(path, 'achievement')}>Achievement</label>
              <select
                id={idOf(path, 'achievement')}
                value={node.achievement as string}
                onChange={(e) =>
                  onChange({ ...node, achievement: (e.target as HTMLSelectElement).value })
                }
              >
                <option value="">Choose…</option>
                {catalogue.achievements.map((a) => (
                  <option key={a.id} value={a.id}>
                    {a.name}
                  </option>
                ))}
              </select>
            </span>
          )}
          {kind === 'skill' && (
            <>
              <span class="field">
                <label for={idOf(path, 'framework')}>Framework</label>
                <select
                  id={idOf(path, 'framework')}
                  value={(node.skill as { framework: string }).framework}
                  onChange={(e) =>
                    onChange({
                      ...node,
                      skill: {
                        ...(node.skill as Json),
                        framework: (e.target as HTMLSelectElement).value,
                      },
                    })
                  }
                >
                  <option value="O*NET-SOC">O*NET-SOC</option>
                  <option value="ESCO">ESCO</option>
                </select>
              </span>
              <TextField
                id={idOf(path, 'code')}
                label="Skill code"
                value={(node.skill as { code: string }).code}
                hint="e.g. 15-2051.00"
                onInput={(v) => onChange({ ...node, skill: { ...(node.skill as Json), code: v } })}
              />
            </>
          )}
          {kind === 'pathway' && (
            <span class="field">
              <label for={idOf(path, 'pathway')}>Pathway</label>
              <select
                id={idOf(path, 'pathway')}
                value={node.pathway as string}
                onChange={(e) =>
                  onChange({ ...node, pathway: (e.target as HTMLSelectElement).value })
                }
              >
                <option value="">Choose…</option>
                {catalogue.pathways.map((p) => (
                  <option key={p} value={p}>
                    {p}
                  </option>
                ))}
              </select>
            </span>
          )}
          {kind === 'credits' && (
            <TextField
              id={idOf(path, 'credits')}
              label="At least (credits)"
              type="number"
              value={(node.credits as { atLeast: number }).atLeast}
              onInput={(v) =>
                onChange({ ...node, credits: { ...(node.credits as Json), atLeast: Number(v) } })
              }
            />
          )}
        </div>
        {!group && <Constraints {...props} />}
        {errors.length > 0 && (
          <ul id={errorId} class="error node-errors">
            {errors.map((p) => (
              <li key={p.pointer + p.detail}>{p.detail}</li>
            ))}
          </ul>
        )}
        <div class="row">
          {group && (
            <button
              type="button"
              onClick={() =>
                onChange(setList([...children(node).map(([, c]) => c), { achievement: '' }]))
              }
            >
              Add a requirement to {number(path)}
            </button>
          )}
          {kind === 'credits' && !(node.credits as Json).of && (
            <button
              type="button"
              onClick={() =>
                onChange({
                  ...node,
                  credits: { ...(node.credits as Json), of: { anyOf: [{ achievement: '' }] } },
                })
              }
            >
              Count credits only from…
            </button>
          )}
          {props.onRemove && (
            <button type="button" class="link" onClick={props.onRemove}>
              Remove requirement {number(path)}
            </button>
          )}
        </div>
      </fieldset>
      {children(node).length > 0 && (
        <ul class="tree">
          {children(node).map(([key, child]) => (
            <NodeEditor
              key={key}
              {...props}
              node={child}
              path={`${path}/${key}`}
              onChange={(c) => setChild(key, c)}
              onRemove={() => removeChild(key)}
            />
          ))}
        </ul>
      )}
    </li>
  );
}

interface PathwayJob {
  readonly id: string;
  readonly state: string;
  readonly learners?: number;
  readonly evaluated: number;
  readonly awarded: number;
}

function RetroactiveJob(props: { issuerId: string; jobId: string }) {
  const [job, setJob] = useState<PathwayJob>();
  const [error, setError] = useState<unknown>();
  useEffect(() => {
    let live = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const poll = async () => {
      const { data, error: failed } = await api.GET('/issuers/{issuerId}/pathway-jobs/{jobId}', {
        params: { path: { issuerId: props.issuerId, jobId: props.jobId } },
      });
      if (!live) return;
      if (failed !== undefined || !data) setError(failed);
      else setJob(data as unknown as PathwayJob);
      if (failed !== undefined || (data as { state?: string } | undefined)?.state !== 'done')
        timer = setTimeout(poll, 700);
    };
    void poll();
    return () => {
      live = false;
      if (timer) clearTimeout(timer);
    };
  }, [props.jobId]);
  if (error !== undefined) return <ErrorNote error={error} />;
  if (!job) return <p aria-busy="true">Starting the retroactive evaluation…</p>;
  const learners = job.learners ?? 0;
  const percent =
    job.state === 'done' ? 100 : learners === 0 ? 0 : Math.floor((job.evaluated / learners) * 100);
  return (
    <section aria-labelledby="job-title">
      <h2 id="job-title">Retroactive awards {job.state === 'done' ? 'finished' : 'running'}</h2>
      <label for="pathway-job">
        {job.evaluated} of {job.learners ?? '…'} learners evaluated ({percent}%), {job.awarded}{' '}
        awarded
      </label>
      <progress id="pathway-job" max={100} value={percent} aria-valuetext={`${percent}%`} />
    </section>
  );
}

interface Version {
  readonly version: number;
  readonly createdAt: string;
  readonly definition: Draft;
}

function Versions(props: {
  issuerId: string;
  pathwayId: string;
  tick: number;
  onOpen: (v: Version) => void;
  onPublished: (jobId: string) => void;
}) {
  const [confirming, setConfirming] = useState<number>();
  const [error, setError] = useState<unknown>();
  const [load, reload] = useLoad(async () => {
    const list = await api.GET('/issuers/{issuerId}/pathways', {
      params: { path: { issuerId: props.issuerId } },
    });
    if (list.error !== undefined || !list.data) return { error: list.error };
    const head = list.data.items.find((p) => p.pathwayId === props.pathwayId);
    if (!head) return { data: { published: undefined, versions: [] as Version[] } };
    const latest = head.latestVersion ?? head.publishedVersion ?? 0;
    // The newest twenty; older versions stay readable through the API.
    const numbers = Array.from({ length: Math.min(latest, 20) }, (_, i) => latest - i);
    const versions = await Promise.all(
      numbers.map(async (version) => {
        const { data } = await api.GET(
          '/issuers/{issuerId}/pathways/{pathwayId}/versions/{version}',
          {
            params: {
              path: {
                issuerId: props.issuerId,
                pathwayId: props.pathwayId,
                version: String(version),
              },
            },
          },
        );
        return data as unknown as Version | undefined;
      }),
    );
    return {
      data: {
        published: head.publishedVersion,
        versions: versions.filter((v): v is Version => v !== undefined),
      },
    };
  }, [props.issuerId, props.pathwayId, props.tick]);

  async function publish(version: number) {
    setError(undefined);
    const { data, error: failed } = await api.POST(
      '/issuers/{issuerId}/pathways/{pathwayId}/versions/{version}/publish',
      {
        params: {
          path: { issuerId: props.issuerId, pathwayId: props.pathwayId, version: String(version) },
        },
      },
    );
    setConfirming(undefined);
    if (failed !== undefined || !data) return setError(failed);
    reload();
    props.onPublished((data as unknown as { evaluationJob: { id: string } }).evaluationJob.id);
  }

  return (
    <section aria-labelledby="versions-title">
      <h2 id="versions-title">Version history</h2>
      {error !== undefined && <ErrorNote error={error} />}
      <Loaded load={load} what="versions">
        {({ published, versions }) =>
          versions.length === 0 ? (
            <p class="muted">Not saved yet.</p>
          ) : (
            <ul aria-label="Versions">
              {versions.map((v) => (
                <li key={v.version}>
                  Version {v.version} · saved {date(v.createdAt)} ·{' '}
                  {v.version === published ? <strong>published</strong> : 'draft'}{' '}
                  <button type="button" class="link" onClick={() => props.onOpen(v)}>
                    Open version {v.version}
                  </button>
                  {v.version !== published &&
                    (confirming === v.version ? (
                      <div role="alertdialog" aria-labelledby={`confirm-${v.version}`} class="card">
                        <p id={`confirm-${v.version}`}>
                          Publish version {v.version}? Learners are evaluated against it from now
                          on, and everyone who already qualifies is awarded the pathway.
                        </p>
                        <div class="row">
                          <button type="button" onClick={() => publish(v.version)}>
                            Yes, publish version {v.version}
                          </button>
                          <button
                            type="button"
                            class="link"
                            onClick={() => setConfirming(undefined)}
                          >
                            Cancel
                          </button>
                        </div>
                      </div>
                    ) : (
                      <button type="button" onClick={() => setConfirming(v.version)}>
                        Publish version {v.version}
                      </button>
                    ))}
                </li>
              ))}
            </ul>
          )
        }
      </Loaded>
    </section>
  );
}

const NEW: Draft = {
  format: 'credstack-pathway/1',
  id: '',
  name: '',
  policy: { onLapse: 'suspend' },
  root: { allOf: [{ achievement: '' }] },
};

function Editor(props: { issuerId: string; catalogue: Catalogue; initial: Draft }) {
  const { issuerId, catalogue } = props;
  const { path } = useLocation();
  const [draft, setDraft] = useState<Draft>(props.initial);
  // The last answer and the draft it answers: the status says "Checking…" until the answer
  // is about the draft on screen, so a quick edit never shows a stale "valid".
  const [answer, setAnswer] = useState<{ for: string; problems: readonly Problem[] }>();
  const [sample, setSample] = useState<readonly string[]>([]);
  const [preview, setPreview] = useState<{
    satisfied: boolean;
    progress: number;
    explanation: Explained;
  }>();
  const [saveError, setSaveError] = useState<unknown>();
  const [saved, setSaved] = useState<number>();
  const [tick, setTick] = useState(0);
  const [jobId, setJobId] = useState<string>();
  const asked = useRef(0);

  // Live validation and preview: the latest edit's answer wins, a slower earlier one is dropped.
  const current = JSON.stringify(draft);
  useEffect(() => {
    const ask = ++asked.current;
    const timer = setTimeout(async () => {
      const { data, error } = await api.POST('/issuers/{issuerId}/pathways/validate', {
        params: { path: { issuerId } },
        body: draft as never,
      });
      if (ask !== asked.current) return;
      const found =
        error !== undefined || !data ? [{ pointer: '', detail: 'could not check' }] : data.problems;
      setAnswer({ for: current, problems: found });
      if (found.length > 0) return setPreview(undefined);
      const shown = await api.POST('/issuers/{issuerId}/pathways/preview', {
        params: { path: { issuerId } },
        body: { pathway: draft as never, achievements: [...sample] },
      });
      if (ask !== asked.current) return;
      setPreview(shown.data as unknown as typeof preview);
    }, 300);
    return () => clearTimeout(timer);
  }, [current, sample.join(',')]);
  const problems = answer?.problems ?? [];
  const checked =
    answer?.for !== current ? 'checking' : problems.length === 0 ? 'valid' : 'invalid';

  async function save(event: Event) {
    event.preventDefault();
    setSaveError(undefined);
    const { data, error } = await api.POST('/issuers/{issuerId}/pathways', {
      params: { path: { issuerId } },
      body: draft as never,
    });
    if (error !== undefined || !data) return setSaveError(error);
    setSaved((data as unknown as { version: number }).version);
    setTick((t) => t + 1);
    // The address names the pathway (a reload reopens it) without the router reloading the
    // page, which would drop the editor's state (the sample learner, the saved notice).
    history.replaceState(history.state, '', `${path}?pathway=${encodeURIComponent(draft.id)}`);
  }

  const byNode = problemsByNode(draft, problems);
  const documentProblems = byNode.get('') ?? [];
  const set = (key: string, value: unknown) => setDraft({ ...draft, [key]: value } as Draft);
  return (
    <>
      <form class="stack-form" onSubmit={save} aria-labelledby="rule-title">
        <h2 id="rule-title">Rule</h2>
        <div class="row">
          <TextField id="pw-id" label="Pathway id" value={draft.id} onInput={(v) => set('id', v)} />
          <TextField id="pw-name" label="Name" value={draft.name} onInput={(v) => set('name', v)} />
          <span class="field">
            <label for="pw-lapse">When a contributing badge lapses</label>
            <select
              id="pw-lapse"
              value={draft.policy.onLapse}
              onChange={(e) =>
                set('policy', { onLapse: (e.target as HTMLSelectElement).value as 'suspend' })
              }
            >
              <option value="suspend">suspend the pathway award</option>
              <option value="revoke">revoke the pathway award</option>
            </select>
          </span>
        </div>
        <TextField
          id="pw-description"
          label="Description"
          value={draft.description}
          onInput={(v) => setDraft(withField(draft, 'description', v) as Draft)}
        />
        <p role="status" class={checked === 'invalid' ? 'error' : 'muted'}>
          {checked === 'checking'
            ? 'Checking…'
            : checked === 'valid'
              ? 'The rule is valid.'
              : `The rule has ${problems.length} problem${problems.length === 1 ? '' : 's'}.`}
        </p>
        {documentProblems.length > 0 && (
          <ul class="error" aria-label="Problems with the pathway">
            {documentProblems.map((p) => (
              <li key={p.pointer + p.detail}>
                {p.pointer ? `${p.pointer}: ` : ''}
                {p.detail}
              </li>
            ))}
          </ul>
        )}
        <ul class="tree" aria-label="Requirements">
          <NodeEditor
            node={draft.root}
            path="/root"
            catalogue={catalogue}
            problems={byNode}
            preview={explainedByPath(preview?.explanation)}
            onChange={(root) => set('root', root)}
          />
        </ul>
        <p class="row">
          <button type="submit" disabled={checked !== 'valid'}>
            Save as a new version
          </button>
          {saved !== undefined && <span role="status">Saved as version {saved}.</span>}
        </p>
        {saveError !== undefined && <ErrorNote error={saveError} />}
      </form>
      <fieldset>
        <legend>Preview: a sample learner who holds…</legend>
        {catalogue.achievements.map((a) => (
          <label key={a.id} class="check">
            <input
              type="checkbox"
              checked={sample.includes(a.id)}
              onChange={(e) =>
                setSample(
                  (e.target as HTMLInputElement).checked
                    ? [...sample, a.id]
                    : sample.filter((id) => id !== a.id),
                )
              }
            />{' '}
            {a.name}
          </label>
        ))}
        <p role="status">
          {preview
            ? preview.satisfied
              ? 'The sample learner would complete this pathway.'
              : `The sample learner would be ${preview.progress}% of the way.`
            : 'The preview appears once the rule is valid.'}
        </p>
      </fieldset>
      {draft.id && (
        <Versions
          issuerId={issuerId}
          pathwayId={draft.id}
          tick={tick}
          onOpen={(v) => setDraft({ ...v.definition })}
          onPublished={setJobId}
        />
      )}
      {jobId && <RetroactiveJob issuerId={issuerId} jobId={jobId} />}
    </>
  );
}

function Loader(props: { issuerId: string; pathwayId: string | undefined }) {
  const { issuerId, pathwayId } = props;
  const [load] = useLoad(async () => {
    const [achievements, pathways] = await Promise.all([
      api.GET('/issuers/{issuerId}/achievements', { params: { path: { issuerId } } }),
      api.GET('/issuers/{issuerId}/pathways', { params: { path: { issuerId } } }),
    ]);
    if (achievements.error !== undefined || !achievements.data)
      return { error: achievements.error };
    if (pathways.error !== undefined || !pathways.data) return { error: pathways.error };
    const head = pathways.data.items.find((p) => p.pathwayId === pathwayId);
    let initial: Draft = NEW;
    const latest = head?.latestVersion ?? head?.publishedVersion;
    if (pathwayId && latest !== undefined) {
      const { data, error } = await api.GET(
        '/issuers/{issuerId}/pathways/{pathwayId}/versions/{version}',
        { params: { path: { issuerId, pathwayId, version: String(latest) } } },
      );
      if (error !== undefined || !data) return { error };
      initial = (data as unknown as Version).definition;
    }
    return {
      data: {
        initial,
        catalogue: {
          achievements: achievements.data.items.map((a) => ({ id: a.id, name: a.definition.name })),
          pathways: pathways.data.items.map((p) => p.pathwayId),
        },
        list: pathways.data.items,
      },
    };
  }, [issuerId, pathwayId]);
  return (
    <Loaded load={load} what="the pathway">
      {(data) => (
        <>
          {data.list.length > 0 && (
            <nav aria-label="Pathways">
              <ul class="row">
                {data.list.map((p) => (
                  <li key={p.pathwayId}>
                    <a href={`/app/console/pathways?pathway=${encodeURIComponent(p.pathwayId)}`}>
                      {p.name}
                    </a>
                  </li>
                ))}
                <li>
                  <a href="/app/console/pathways">New pathway</a>
                </li>
              </ul>
            </nav>
          )}
          <Editor
            key={pathwayId ?? ''}
            issuerId={issuerId}
            catalogue={data.catalogue}
            initial={data.initial}
          />
        </>
      )}
    </Loaded>
  );
}

export function PathwayEditorPage() {
  const issuerId = useIssuerId();
  const { query } = useLocation();
  return (
    <Page title="Pathways">
      {issuerId ? (
        <Loader issuerId={issuerId} pathwayId={query.pathway || undefined} />
      ) : (
        <p>
          Sign in as an issuer admin, or (platform admins) add <code>?issuer=</code> and the
          issuer's id to the address.
        </p>
      )}
    </Page>
  );
}
