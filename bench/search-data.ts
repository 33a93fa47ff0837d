import type {
  BadgeFilter,
  CandidateDocument,
  CandidateVisibility,
  IndexedBadge,
  IndexedSkill,
  SearchQuery,
} from '#shared/domain/ports/search-index.ts';
import { mulberry32, type Rng } from './random.ts';

/**
 * Generated, seeded data for the search benchmark: issuers with catalogues of achievements
 * aligned to skills of Zipf-like popularity, learners holding badges mostly from one home
 * issuer, and employer queries of 2–3 must-have skills with an issuer or a date filter.
 */

export const TENANT = 'bench-tenant';
export const EMPLOYER = 'employer-0';
export const NOW = '2026-06-01T00:00:00.000Z';
const NOW_MS = Date.parse(NOW);
const DAY_MS = 86_400_000;
/** "Issued within the last 6, 12, 24 or 36 months": the date filters an employer picks from. */
export const CUTOFF_DAYS = [182, 365, 730, 1095] as const;
export const cutoffInstant = (index: number): string =>
  new Date(NOW_MS - CUTOFF_DAYS[index]! * DAY_MS).toISOString();

export interface SearchBenchScale {
  readonly candidates: number;
  readonly badges: number;
  readonly skills: number;
  readonly issuers: number;
  readonly queries: number;
}

export const FULL_SCALE: SearchBenchScale = {
  candidates: 100_000,
  badges: 1_000_000,
  skills: 2_000,
  issuers: 300,
  queries: 300,
};

/** Samples ranks 0…n-1 with weight 1/(rank+1)^s: a few very popular entries, a long tail. */
function zipf(n: number, s: number): (rng: Rng) => number {
  const cumulative = new Float64Array(n);
  let sum = 0;
  for (let i = 0; i < n; i += 1) {
    sum += 1 / (i + 1) ** s;
    cumulative[i] = sum;
  }
  return (rng) => {
    const target = rng() * sum;
    let low = 0;
    let high = n - 1;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (cumulative[mid]! < target) low = mid + 1;
      else high = mid;
    }
    return low;
  };
}

const WORDS = (
  'data analysis statistics python sql cloud security network design research writing ' +
  'leadership finance accounting marketing nursing care welding safety electrical plumbing ' +
  'teaching language machine learning visualisation project management agile testing ' +
  'customer service logistics chemistry biology mathematics ethics law media audio video'
).split(' ');
const TYPES = ['Badge', 'Badge', 'Badge', 'Certificate', 'Certificate', 'Course'] as const;
const TIERS = ['accredited', 'known', undefined] as const;

interface Achievement {
  readonly id: string;
  readonly name: string;
  readonly type: string;
  readonly skills: readonly IndexedSkill[];
}

interface Issuer {
  readonly id: string;
  readonly name: string;
  readonly tier: string | undefined;
  readonly catalogue: readonly Achievement[];
}

export interface SearchBenchData {
  readonly candidates: number;
  readonly queries: readonly SearchQuery[];
  readonly badgeCount: number;
  /**
   * The candidates, identical on every call, in chunks of `size`: each call generates them
   * anew, so nothing holds them between uses and an engine's build is measured with only
   * what it keeps itself.
   */
  documents(size?: number): Generator<CandidateDocument[]>;
}

/** The seeded catalogue every pass over the candidates starts from. */
interface World {
  readonly rng: Rng;
  readonly skills: readonly IndexedSkill[];
  readonly issuers: readonly Issuer[];
  readonly issuerRank: (rng: Rng) => number;
  readonly skillRank: (rng: Rng) => number;
}

function makeWorld(scale: SearchBenchScale, seed: number): World {
  const rng = mulberry32(seed);
  const skillRank = zipf(scale.skills, 1.0);
  const issuerRank = zipf(scale.issuers, 0.8);
  const skills: IndexedSkill[] = Array.from({ length: scale.skills }, (_, i) => {
    const framework = i % 3 === 0 ? 'ONET' : 'ESCO';
    const code = `K${i.toString().padStart(4, '0')}`;
    const name = `${WORDS[i % WORDS.length]} ${WORDS[Math.floor(i / WORDS.length) % WORDS.length]}`;
    return { key: `${framework}:${code}`, framework, code, name };
  });
  const issuers: Issuer[] = Array.from({ length: scale.issuers }, (_, i) => {
    const catalogue = Array.from({ length: 20 }, (_, a) => {
      const count = 1 + Math.floor(rng() * 4);
      const aligned = new Set<IndexedSkill>();
      // The first achievements each carry one tail skill too, so every skill exists somewhere.
      const nth = i * 20 + a;
      if (nth < scale.skills) aligned.add(skills[scale.skills - 1 - nth]!);
      while (aligned.size < count) aligned.add(skills[skillRank(rng)]!);
      return {
        id: `urn:ach:i${i}-a${a}`,
        name: `${WORDS[Math.floor(rng() * WORDS.length)]} ${WORDS[Math.floor(rng() * WORDS.length)]} ${a}`,
        type: TYPES[Math.floor(rng() * TYPES.length)]!,
        skills: [...aligned],
      };
    });
    return {
      id: `did:web:college-${i}.example`,
      name: `College ${i}`,
      tier: TIERS[i % TIERS.length],
      catalogue,
    };
  });
  return { rng, skills, issuers, issuerRank, skillRank };
}

/**
 * The candidates in order, each with the issuer and achievement index of its badges (for the
 * queries). Every learner holds at least one badge; the rest are shared out by random weights,
 * so holdings vary (1 to about twice the mean) and add up to exactly `scale.badges`.
 */
function* candidates(
  scale: SearchBenchScale,
  world: World,
): Generator<{ document: CandidateDocument; picks: number[] }> {
  const { rng, issuers, issuerRank } = world;
  const weights = Array.from({ length: scale.candidates }, () => rng());
  const weightSum = weights.reduce((sum, w) => sum + w, 0);
  const spare = scale.badges - scale.candidates;
  let cumulative = 0;
  for (let c = 0; c < scale.candidates; c += 1) {
    const learnerId = `learner-${c.toString().padStart(6, '0')}`;
    const homeIndex = issuerRank(rng);
    const from = Math.round((cumulative / weightSum) * spare);
    cumulative += weights[c]!;
    const count = 1 + Math.round((cumulative / weightSum) * spare) - from;
    const badges: IndexedBadge[] = [];
    const picks: number[] = [];
    for (let b = 0; b < count; b += 1) {
      const issuerIndex = rng() < 0.6 ? homeIndex : issuerRank(rng);
      const issuer = issuers[issuerIndex]!;
      const achievementIndex = Math.floor(rng() * issuer.catalogue.length);
      const achievement = issuer.catalogue[achievementIndex]!;
      picks.push(issuerIndex, achievementIndex);
      const id = `${c}-${b}`;
      const issuedMs = NOW_MS - Math.floor(rng() * 5 * 365 * DAY_MS);
      const level = rng() < 0.5 ? 40 + Math.floor(rng() * 61) : undefined;
      badges.push({
        credentialId: `urn:uuid:bench-${id}`,
        verifyUrl: `https://credstack.example/credentials/bench-${id}/verify`,
        issuerId: issuer.id,
        issuerName: issuer.name,
        ...(issuer.tier ? { issuerTier: issuer.tier } : {}),
        achievementId: achievement.id,
        achievementName: achievement.name,
        achievementType: achievement.type,
        // A copy per badge, as documents read from storage carry: no two share an array.
        skills: achievement.skills.map((skill) => ({ ...skill })),
        issuedAt: new Date(issuedMs).toISOString(),
        ...(rng() < 0.2
          ? { validUntil: new Date(NOW_MS + Math.floor(rng() * 900) * DAY_MS).toISOString() }
          : {}),
        ...(level !== undefined ? { result: { value: `${level}%`, level } } : {}),
      });
    }
    yield {
      document: {
        tenantId: TENANT,
        learnerId,
        displayName: `Learner ${c}`,
        visibility: visibility(rng),
        badges,
        version: 1,
      },
      picks,
    };
  }
}

/** What a query draws from a learner: their badges' issuers and skills. */
interface Profile {
  readonly badges: readonly {
    readonly issuerId: string;
    readonly skills: readonly IndexedSkill[];
  }[];
}

/**
 * Builds the queries for a scale, and the means to generate its candidates, identically on
 * every run.
 *
 * @example
 * const data = generateSearchData(FULL_SCALE);
 * for (const chunk of data.documents()) for (const document of chunk) await index.upsert(document);
 */
export function generateSearchData(scale: SearchBenchScale, seed = 20260601): SearchBenchData {
  const world = makeWorld(scale, seed);
  const { rng, skills, issuers, issuerRank, skillRank } = world;
  // One pass keeps, per candidate, only its badges' issuer and achievement indexes: what the
  // queries read of a learner.
  const offsets = new Int32Array(scale.candidates + 1);
  let picks = new Int32Array(scale.badges * 2);
  let badgeCount = 0;
  let c = 0;
  for (const { document, picks: own } of candidates(scale, world)) {
    if (badgeCount * 2 + own.length > picks.length) {
      const grown = new Int32Array((badgeCount * 2 + own.length) * 2);
      grown.set(picks);
      picks = grown;
    }
    picks.set(own, badgeCount * 2);
    badgeCount += document.badges.length;
    c += 1;
    offsets[c] = badgeCount;
  }
  const profileOf = (index: number): Profile => {
    const badges = [];
    for (let b = offsets[index]!; b < offsets[index + 1]!; b += 1) {
      const issuer = issuers[picks[2 * b]!]!;
      badges.push({ issuerId: issuer.id, skills: issuer.catalogue[picks[2 * b + 1]!]!.skills });
    }
    return { badges };
  };

  const queries: SearchQuery[] = [];
  for (let q = 0; q < scale.queries; q += 1) {
    const byIssuer = q % 2 === 0;
    const wanted = 2 + Math.floor(rng() * 2);
    // Most employers ask for a combination some learner holds (drawn from one learner's
    // badges); the rest pick skills by popularity alone, and may find nobody.
    const profile = rng() < 0.8 ? profileOf(Math.floor(rng() * scale.candidates)) : undefined;
    let mustHave: string[];
    let filter: BadgeFilter;
    if (byIssuer) {
      const issuerId = profile
        ? profile.badges[Math.floor(rng() * profile.badges.length)]!.issuerId
        : issuers[issuerRank(rng)]!.id;
      const catalogue = issuers.find((i) => i.id === issuerId)!.catalogue;
      const held = profile?.badges.filter((b) => b.issuerId === issuerId).flatMap((b) => b.skills);
      // Skills the learner holds from that issuer first, then others the issuer teaches.
      const taught = [...new Set([...(held ?? []), ...catalogue.flatMap((a) => a.skills)])];
      const first = new Set(held ?? []).size;
      mustHave = pickDistinct(wanted, (tries) => {
        const from = tries < 20 && first > 0 ? first : taught.length;
        return taught[Math.floor(rng() * from)]!.key;
      });
      filter = { issuers: [issuerId] };
    } else {
      const held = profile?.badges.flatMap((b) => b.skills);
      mustHave = pickDistinct(wanted, (tries) =>
        held && tries < 20
          ? held[Math.floor(rng() * held.length)]!.key
          : skills[skillRank(rng)]!.key,
      );
      filter = { issuedAfter: cutoffInstant(Math.floor(rng() * CUTOFF_DAYS.length)) };
    }
    queries.push({
      tenantId: TENANT,
      employerId: EMPLOYER,
      now: NOW,
      mustHave,
      niceToHave: [],
      filter,
      sort: 'relevance',
      size: 20,
      facets: true,
    });
  }
  return {
    candidates: scale.candidates,
    queries,
    badgeCount,
    *documents(size = 1000) {
      let chunk: CandidateDocument[] = [];
      for (const { document } of candidates(scale, makeWorld(scale, seed))) {
        chunk.push(document);
        if (chunk.length === size) {
          yield chunk;
          chunk = [];
        }
      }
      if (chunk.length > 0) yield chunk;
    },
  };
}

function pickDistinct(count: number, draw: (tries: number) => string): string[] {
  const picked = new Set<string>();
  for (let tries = 0; picked.size < count && tries < 1000; tries += 1) picked.add(draw(tries));
  return [...picked];
}

/** Most learners share with every employer; some name a few; some consents have lapsed. */
function visibility(rng: Rng): CandidateVisibility {
  const roll = rng();
  if (roll < 0.9) return { employers: 'all' };
  if (roll < 0.95) {
    const named = Array.from({ length: 1 + Math.floor(rng() * 3) }, () => {
      return `employer-${Math.floor(rng() * 10)}`;
    });
    return { employers: [...new Set(named)] };
  }
  const days = Math.floor(rng() * 400) - 200;
  return { employers: 'all', until: new Date(NOW_MS + days * DAY_MS).toISOString() };
}
