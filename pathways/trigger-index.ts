import { canonicalSkill } from '#shared/credentials/skills/skill-id.ts';
import type { CompiledPathway } from './compile.ts';

/** What the trigger index reads of a credential. */
export interface TriggerCredential {
  readonly achievementId: string;
  readonly alignments: readonly { readonly framework: string; readonly code: string }[];
}

/**
 * Which pathways a new (or lapsed) credential can change the verdict of, so only those are
 * re-checked. A pathway is reached by the achievement ids its leaves accept (alternatives and
 * sub-pathway credentials included), by the alignments its skill leaves name, and by every
 * credential when it has a credits node without `of`. A pathway that requires sub-pathway P is
 * reached by whatever reaches P, transitively, since a change in P can change it in turn.
 *
 * @example
 * const triggers = new PathwayTriggerIndex(published);
 * triggers.affectedBy({ achievementId: 'urn:ach:sql', alignments: [] }); // ['urn:pathway:analyst']
 */
export class PathwayTriggerIndex {
  /** The pathways indexed, in the order given. */
  readonly pathways: readonly CompiledPathway[];
  private readonly byAchievement: ReadonlyMap<string, readonly number[]>;
  private readonly bySkill: ReadonlyMap<string, readonly number[]>;
  private readonly always: readonly number[];

  constructor(compiled: readonly CompiledPathway[]) {
    this.pathways = [...compiled];
    // Positions of the pathways naming each pathway id as a requirement.
    const requiredBy = new Map<string, number[]>();
    for (const [i, p] of compiled.entries()) {
      for (const ref of p.interest.pathways) push(requiredBy, ref, i);
    }
    const closures: (readonly number[] | undefined)[] = [];
    const closure = (i: number): readonly number[] => {
      let known = closures[i];
      if (known === undefined) {
        const reached = new Set<number>([i]);
        const queue = [i];
        for (let at = queue.pop(); at !== undefined; at = queue.pop()) {
          for (const j of requiredBy.get(compiled[at]!.pathway.id) ?? []) {
            if (!reached.has(j)) {
              reached.add(j);
              queue.push(j);
            }
          }
        }
        known = [...reached].sort((a, b) => a - b);
        closures[i] = known;
      }
      return known;
    };
    const byAchievement = new Map<string, Set<number>>();
    const bySkill = new Map<string, Set<number>>();
    const always = new Set<number>();
    for (const [i, p] of compiled.entries()) {
      const reached = closure(i);
      const { achievements, skills, everything } = p.interest;
      for (const id of achievements) addAll(byAchievement, id, reached);
      for (const [framework, codes] of skills) {
        for (const code of codes) addAll(bySkill, skillKey(framework, code), reached);
      }
      if (everything) for (const j of reached) always.add(j);
    }
    this.byAchievement = sortedLists(byAchievement);
    this.bySkill = sortedLists(bySkill);
    this.always = [...always].sort((a, b) => a - b);
  }

  /**
   * The ids of the pathways `credential` can affect, sorted and without repeats.
   *
   * @example
   * buildTriggerIndex(compiled).affectedBy({ achievementId: 'urn:ach:sql', alignments: [] });
   * // ['urn:pathway:analyst', 'urn:pathway:data-engineer']
   */
  affectedBy(credential: TriggerCredential): string[] {
    const ids = new Set(this.affectedPathways(credential).map((p) => p.pathway.id));
    return [...ids].sort();
  }

  /**
   * The indexed pathways `credential` can affect, in the order they were given.
   *
   * @example
   * for (const p of triggers.affectedPathways(credential)) check(p, index);
   */
  affectedPathways(credential: TriggerCredential): CompiledPathway[] {
    const lists: (readonly number[])[] = [this.always];
    const own = this.byAchievement.get(credential.achievementId);
    if (own) lists.push(own);
    for (const a of credential.alignments) {
      const list = this.bySkill.get(skillKey(a.framework, a.code));
      if (list) lists.push(list);
    }
    const positions = lists.length === 1 ? lists[0]! : mergeSorted(lists);
    return positions.map((i) => this.pathways[i]!);
  }
}

/**
 * Indexes compiled pathways by what can trigger a re-check of each.
 *
 * @example
 * const triggers = buildTriggerIndex(published);
 * const toCheck = triggers.affectedPathways(newCredential);
 */
export function buildTriggerIndex(compiled: readonly CompiledPathway[]): PathwayTriggerIndex {
  return new PathwayTriggerIndex(compiled);
}

/** A map key for an alignment (canonical spelling); the length prefix keeps any two pairs apart. */
function skillKey(rawFramework: string, rawCode: string): string {
  const { framework, code } = canonicalSkill(rawFramework, rawCode);
  return `${framework.length}:${framework}:${code}`;
}

function push(map: Map<string, number[]>, key: string, value: number): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

function addAll(map: Map<string, Set<number>>, key: string, values: readonly number[]): void {
  let set = map.get(key);
  if (!set) {
    set = new Set();
    map.set(key, set);
  }
  for (const v of values) set.add(v);
}

function sortedLists(map: Map<string, Set<number>>): Map<string, readonly number[]> {
  const out = new Map<string, readonly number[]>();
  for (const [key, set] of map)
    out.set(
      key,
      [...set].sort((a, b) => a - b),
    );
  return out;
}

/** The union of ascending lists, ascending, without repeats. */
function mergeSorted(lists: readonly (readonly number[])[]): number[] {
  const all: number[] = [];
  for (const list of lists) for (const v of list) all.push(v);
  all.sort((a, b) => a - b);
  const out: number[] = [];
  for (const v of all) if (out[out.length - 1] !== v) out.push(v);
  return out;
}
