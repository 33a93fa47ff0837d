import type { CompiledNode, CompiledPathway } from '#pathways/compile.ts';
import { subtractDuration } from '#pathways/duration.ts';
import type {
  EvaluatedCredential,
  EvaluationContext,
  LeafConstraints,
} from '#pathways/rule-types.ts';

/**
 * The pathway semantics written as plainly as possible, as an oracle for the engine's search:
 * a depth-first search over every assignment in the documented order (children in document
 * order, candidates earliest-issued first, then by id), without pruning, greedy shortcuts or
 * indexes. Exponential; for small generated cases only. Throws `TOO_BIG` past `maxSteps`.
 */
export function referenceVerdict(
  compiled: CompiledPathway,
  credentials: readonly EvaluatedCredential[],
  context: EvaluationContext,
  maxSteps = 200_000,
): { satisfied: boolean; contributing: string[] } {
  const now = context.now.getTime();
  const held = new Set(context.heldPathways ?? []);
  const time = (v: string | Date) => new Date(v).getTime();
  const sorted = [...credentials].sort(
    (a, b) => time(a.issuedAt) - time(b.issuedAt) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
  );
  const creds: EvaluatedCredential[] = [];
  const seen = new Set<string>();
  for (const c of sorted) {
    if (seen.has(c.id)) continue;
    const expired = c.expired || (c.validUntil !== undefined && time(c.validUntil) <= now);
    if (!c.verified || !c.issuerBound || c.revoked || expired) continue;
    seen.add(c.id);
    creds.push(c);
  }
  const order = new Map(creds.map((c, i) => [c.id, i]));
  let steps = 0;
  const limits = new Map<string, number | null>();

  const meetsResult = (rule: NonNullable<LeafConstraints['minResult']>, c: EvaluatedCredential) =>
    (c.results ?? []).some((r) => {
      if (rule.resultDescription !== undefined && r.resultDescription !== rule.resultDescription)
        return false;
      if (rule.levels) {
        const have = rule.levels.indexOf(r.value);
        const want = rule.levels.indexOf(rule.atLeast);
        return have >= 0 && want >= 0 && have >= want;
      }
      return (
        r.value.trim() !== '' &&
        Number.isFinite(Number(r.value)) &&
        Number(r.value) >= Number(rule.atLeast)
      );
    });

  const meets = (k: LeafConstraints, c: EvaluatedCredential): boolean => {
    if (k.issuers) {
      const allowed =
        'anyOf' in k.issuers ? k.issuers.anyOf : (context.trustLists?.[k.issuers.trustList] ?? []);
      if (!allowed.includes(c.issuerId)) return false;
    }
    if (k.within) {
      const from = subtractDuration(context.now, k.within).getTime();
      if (time(c.issuedAt) < from || time(c.issuedAt) > now) return false;
    }
    if (k.minResult && !meetsResult(k.minResult, c)) return false;
    if (k.before) {
      const limit = limitOf(k.before);
      if (limit === null || time(c.issuedAt) >= limit) return false;
    }
    return true;
  };

  const leaves = (node: CompiledNode): CompiledNode[] =>
    ['achievement', 'skill', 'pathway'].includes(node.kind)
      ? [node]
      : node.children.flatMap(leaves);

  const matches = (node: CompiledNode, c: EvaluatedCredential): boolean => {
    const s = node.source;
    if ('achievement' in s && ![s.achievement, ...(s.alternatives ?? [])].includes(c.achievementId))
      return false;
    if (
      'skill' in s &&
      !c.alignments.some((a) => a.framework === s.skill.framework && a.code === s.skill.code)
    )
      return false;
    if ('pathway' in s && c.achievementId !== s.pathway) return false;
    if ('credits' in s && node.children[0] && !leaves(node.children[0]).some((l) => matches(l, c)))
      return false;
    return meets(node.constraints, c);
  };

  function* solutions(node: CompiledNode, avail: ReadonlySet<string>): Generator<string[]> {
    steps += 1;
    if (steps > maxSteps) throw new Error('TOO_BIG');
    const s = node.source;
    if ('achievement' in s || 'skill' in s || 'pathway' in s) {
      if ('pathway' in s && held.has(s.pathway)) yield [];
      for (const c of creds) if (avail.has(c.id) && matches(node, c)) yield [c.id];
      return;
    }
    if ('credits' in s) {
      let total = 0;
      const used: string[] = [];
      for (const c of creds) {
        if (!avail.has(c.id) || !matches(node, c)) continue;
        total += c.creditsEarned ?? c.creditsAvailable ?? 0;
        used.push(c.id);
        if (total >= s.credits.atLeast) {
          yield used;
          return;
        }
      }
      return;
    }
    if ('anyOf' in s) {
      for (const child of node.children) yield* solutions(child, avail);
      return;
    }
    yield* combine(node, 0, node.need, avail);
  }

  function* combine(
    node: CompiledNode,
    i: number,
    need: number,
    avail: ReadonlySet<string>,
  ): Generator<string[]> {
    if (need === 0) {
      yield [];
      return;
    }
    const child = node.children[i];
    if (child === undefined) return;
    for (const used of solutions(child, avail)) {
      const rest = new Set([...avail].filter((id) => !used.includes(id)));
      for (const more of combine(node, i + 1, need - 1, rest)) yield [...used, ...more];
    }
    if (node.kind === 'nOf') yield* combine(node, i + 1, need, avail);
  }

  const first = (node: CompiledNode): string[] | undefined => {
    for (const used of solutions(node, new Set(order.keys()))) return used;
    return undefined;
  };

  function limitOf(label: string): number | null {
    const known = limits.get(label);
    if (known !== undefined) return known;
    const target = compiled.byLabel.get(label);
    const used = target ? first(target) : undefined;
    const limit =
      used === undefined
        ? null
        : Math.min(
            Number.POSITIVE_INFINITY,
            ...used.map((id) => time(creds[order.get(id)!]!.issuedAt)),
          );
    limits.set(label, limit);
    return limit;
  }

  const used = first(compiled.root);
  return {
    satisfied: used !== undefined,
    contributing: (used ?? []).sort((a, b) => order.get(a)! - order.get(b)!),
  };
}
