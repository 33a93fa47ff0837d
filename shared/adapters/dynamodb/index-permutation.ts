import { createHmac, createSecretKey, type KeyObject, randomBytes } from 'node:crypto';

/**
 * A keyed bijection of `[0, size)`: the order in which a status list hands out its indexes.
 * A list counts its allocations (0, 1, 2, …) and gives allocation `n` the index `permute(n)`,
 * so a block of indexes is claimed by one conditional counter update, two allocations can
 * never get the same index (a bijection), and the indexes still look random to anyone without
 * the list's key: credentials issued together are not neighbours in the published bitstring
 * (herd privacy). A four-round Feistel network over the smallest even number of bits that
 * covers `size`, walked until the value falls inside `[0, size)` (cycle walking keeps it a
 * bijection of the smaller domain).
 */

const ROUNDS = 4;

/** A fresh random key for a new list (base64url, stored on the list's meta item). */
export function newPermutationKey(): string {
  return randomBytes(16).toString('base64url');
}

export class IndexPermutation {
  readonly #size: number;
  readonly #half: number;
  readonly #mask: number;
  readonly #key: KeyObject;
  /**
   * Each round function's values, filled as they are first needed: a round's input is only
   * `half` bits wide, so a list's whole life asks for at most ROUNDS × 2^half of them, while
   * each allocation would otherwise cost ROUNDS HMACs per cycle-walking step.
   */
  readonly #rounds: (Float64Array | undefined)[] = [];

  constructor(key: string, size: number) {
    if (!Number.isSafeInteger(size) || size < 1 || size > 2 ** 31)
      throw new RangeError(`a permutation needs a size in [1, 2^31], not ${size}`);
    const bits = Math.max(2, Math.ceil(Math.log2(size)));
    this.#half = Math.ceil(bits / 2);
    this.#mask = 2 ** this.#half - 1;
    this.#size = size;
    this.#key = createSecretKey(Buffer.from(key, 'base64url'));
  }

  /** The index of allocation number `n` (0 ≤ n < size). */
  permute(n: number): number {
    if (!Number.isSafeInteger(n) || n < 0 || n >= this.#size)
      throw new RangeError(`allocation ${n} is outside [0, ${this.#size})`);
    let value = n;
    do value = this.#encrypt(value);
    while (value >= this.#size);
    return value;
  }

  #encrypt(value: number): number {
    const scale = this.#mask + 1;
    let left = Math.floor(value / scale);
    let right = value % scale;
    for (let round = 0; round < ROUNDS; round += 1) {
      const mixed = (left ^ this.#round(round, right)) & this.#mask;
      left = right;
      right = mixed;
    }
    return left * scale + right;
  }

  #round(round: number, value: number): number {
    // NaN marks a value not computed yet (an HMAC output is a whole number).
    let known = this.#rounds[round];
    if (known === undefined) {
      known = new Float64Array(this.#mask + 1).fill(Number.NaN);
      this.#rounds[round] = known;
    }
    let output = known[value] as number;
    if (Number.isNaN(output)) {
      output = createHmac('sha256', this.#key).update(`${round}:${value}`).digest().readUInt32BE(0);
      known[value] = output;
    }
    return output;
  }
}
