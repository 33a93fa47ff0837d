/**
 * Interns the strings of one field (skill keys, issuers, types…) as dense integer ids, so the
 * badge columns hold small integers and filters become lookups in a mask indexed by id.
 *
 * @example
 * const issuers = new Dictionary();
 * issuers.intern('did:web:x.example'); // 0
 * issuers.find('did:web:x.example'); // 0
 */
export class Dictionary {
  readonly #ids = new Map<string, number>();
  readonly #keys: string[] = [];

  get size(): number {
    return this.#keys.length;
  }

  intern(key: string): number {
    let id = this.#ids.get(key);
    if (id === undefined) {
      id = this.#keys.length;
      this.#ids.set(key, id);
      this.#keys.push(key);
    }
    return id;
  }

  /** The id of `key`, or -1 when never seen. */
  find(key: string): number {
    return this.#ids.get(key) ?? -1;
  }

  key(id: number): string {
    return this.#keys[id]!;
  }

  /** A mask over the ids with 1 for each of `keys` seen; unseen keys simply match nothing. */
  mask(keys: readonly string[]): Uint8Array {
    const mask = new Uint8Array(this.#keys.length + 1);
    for (const key of keys) {
      const id = this.#ids.get(key);
      if (id !== undefined) mask[id] = 1;
    }
    return mask;
  }
}
