/** Where "now" comes from, so that validity windows can be tested with a frozen time. */
export interface Clock {
  now(): Date;
}

/** The wall clock. */
export const systemClock: Clock = { now: () => new Date() };

/**
 * A clock stuck at one instant.
 *
 * @example
 * const clock = fixedClock('2026-01-01T00:00:00Z');
 */
export function fixedClock(at: string | Date): Clock {
  const instant = new Date(at);
  return { now: () => new Date(instant) };
}
