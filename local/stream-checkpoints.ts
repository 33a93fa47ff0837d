import { readFile, rename, writeFile } from 'node:fs/promises';

/**
 * The local stream poller's durable position: per shard, the sequence number of the last
 * record handled, in a small JSON file next to the data it describes. Lambda keeps this for an
 * event source mapping; locally a file does, so a restart (Ctrl-C, a crash, SIGKILL) resumes
 * where handling stopped instead of at LATEST.
 *
 * The file names the stream it belongs to: DynamoDB Local keeps the stream (its ARN, shards and
 * sequence numbers) across restarts of the same database, but a table deleted and created again
 * has a new stream, whose shards the old checkpoints must not be applied to.
 */

interface StoredCheckpoints {
  readonly streamArn: string;
  readonly shards: Record<string, string>;
}

export interface CheckpointFile {
  /** True when the file existed for this stream: the poller resumes instead of starting fresh. */
  readonly resumed: boolean;
  get(shardId: string): string | undefined;
  set(shardId: string, sequenceNumber: string): void;
  /** Forgets the shards not in `listed` (trimmed from the stream). */
  retain(listed: ReadonlySet<string>): void;
  /** Writes the file when something changed (or always, with `force`): temp file, then rename. */
  flush(force?: boolean): Promise<void>;
}

function parse(text: string, path: string): StoredCheckpoints {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new Error(`${path} is not JSON; remove it to read the stream from its oldest record`, {
      cause: error,
    });
  }
  const stored = value as Partial<StoredCheckpoints> | null;
  const shards = stored?.shards;
  if (
    typeof stored?.streamArn !== 'string' ||
    typeof shards !== 'object' ||
    shards === null ||
    Object.values(shards).some(
      (sequence) => typeof sequence !== 'string' || !/^\d+$/.test(sequence),
    )
  ) {
    throw new Error(
      `${path} is not a stream checkpoint file; remove it to read the stream from its oldest record`,
    );
  }
  return { streamArn: stored.streamArn, shards: { ...shards } };
}

/**
 * Opens (or prepares) the checkpoint file of `streamArn`. A file for another stream is
 * ignored (and replaced at the first flush); a corrupt one is an error, not a silent rewind.
 *
 * @example
 * const checkpoints = await openCheckpointFile('.data/stream-checkpoints.json', streamArn);
 * checkpoints.set(shardId, '000000000000000000042');
 * await checkpoints.flush();
 */
export async function openCheckpointFile(path: string, streamArn: string): Promise<CheckpointFile> {
  let stored: StoredCheckpoints | undefined;
  try {
    stored = parse(await readFile(path, 'utf8'), path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const resumed = stored?.streamArn === streamArn;
  const shards = new Map<string, string>(resumed && stored ? Object.entries(stored.shards) : []);
  let dirty = false;
  let writing: Promise<void> = Promise.resolve();
  return {
    resumed,
    get: (shardId) => shards.get(shardId),
    set(shardId, sequenceNumber) {
      if (shards.get(shardId) === sequenceNumber) return;
      shards.set(shardId, sequenceNumber);
      dirty = true;
    },
    retain(listed) {
      for (const shardId of [...shards.keys()]) {
        if (!listed.has(shardId)) {
          shards.delete(shardId);
          dirty = true;
        }
      }
    },
    flush(force = false) {
      if (!dirty && !force) return writing;
      dirty = false;
      const body: StoredCheckpoints = { streamArn, shards: Object.fromEntries(shards) };
      const temp = `${path}.${process.pid}.tmp`;
      // Writes are chained so an older state never lands after a newer one.
      writing = writing
        .catch(() => undefined)
        .then(async () => {
          await writeFile(temp, `${JSON.stringify(body, null, 2)}\n`, { mode: 0o600 });
          // rename is atomic: a crash leaves the old file or the new one, never half of one.
          await rename(temp, path);
        })
        .catch((error: unknown) => {
          dirty = true;
          throw error;
        });
      return writing;
    },
  };
}
