import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

/**
 * One real OpenSearch node (2.19, the last line that runs on Java 17) on loopback, for the
 * contract tests, `SEARCH_ENGINE=opensearch npm start` and the bench. The server and its HTTP,
 * analysis and Painless modules come from Maven Central through local/opensearch-node/pom.xml;
 * a small launcher (LocalNode.java) starts them in one JVM, without the security plugin (it is
 * not published as a Maven artifact): plain HTTP, no users, no roles.
 *
 * The JVM runs in a process group of its own and exits when its standard input closes, so a
 * parent that dies, even by SIGKILL, leaves no node behind; `stop()` closes that input and, if
 * the node lingers, kills the group.
 */

const execFileAsync = promisify(execFile);

/** The Maven project holding the launcher. */
export const NODE_PROJECT = resolve(dirname(fileURLToPath(import.meta.url)), 'opensearch-node');

/** A prerequisite (Java, Maven) is missing, or the node could not start: `message` says which. */
export class OpenSearchNodeError extends Error {
  readonly reason: 'maven-missing' | 'java-missing' | 'resolve-failed' | 'start-failed';

  constructor(message: string, reason: OpenSearchNodeError['reason'], options?: ErrorOptions) {
    super(message, options);
    this.name = 'OpenSearchNodeError';
    this.reason = reason;
  }
}

export interface OpenSearchNode {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  readonly pid: number;
  stop(): Promise<void>;
}

export interface StartOpenSearchOptions {
  /** Node home and data folders (created when absent). */
  readonly home: string;
  readonly data: string;
  /** HTTP port; a free one is taken when absent (the node binds port 0 and reports it). */
  readonly port?: number;
  /**
   * JVM heap. 512 MiB to 1 GiB by default: the machines this runs on have 2 cores and
   * 24 GiB, shared with DynamoDB Local and the tests' own processes.
   */
  readonly heap?: { readonly min: string; readonly max: string };
  /** Start plus green, default 180 s (a cold JVM on a busy 2-core machine is slow). */
  readonly readyTimeoutMs?: number;
  /** Called with each stderr line of the node (default: kept for the failure message only). */
  readonly onLog?: (line: string) => void;
}

function newer(file: string, than: readonly string[]): boolean {
  if (!existsSync(file)) return false;
  const at = statSync(file).mtimeMs;
  return than.every((other) => statSync(other).mtimeMs <= at);
}

async function commandExists(command: string): Promise<boolean> {
  try {
    await execFileAsync(command, command === 'java' ? ['-version'] : ['-v'], { timeout: 60_000 });
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== 'ENOENT';
  }
}

/**
 * Compiles the launcher and lists the class path, offline first (everything already in the
 * local Maven repository), then online. Returns the java class path; does nothing when the
 * compiled launcher and class path are newer than the pom and the launcher source.
 *
 * @example
 * const classPath = await resolveOpenSearchNode();
 */
export async function resolveOpenSearchNode(): Promise<string> {
  const classes = join(NODE_PROJECT, 'target', 'classes');
  const classPathFile = join(NODE_PROJECT, 'target', 'classpath.txt');
  const compiled = join(classes, 'credstack', 'opensearch', 'LocalNode.class');
  const inputs = [
    join(NODE_PROJECT, 'pom.xml'),
    join(NODE_PROJECT, 'src', 'main', 'java', 'credstack', 'opensearch', 'LocalNode.java'),
  ];
  const readClassPath = async () => `${classes}:${(await readFile(classPathFile, 'utf8')).trim()}`;
  if (newer(compiled, inputs) && newer(classPathFile, inputs)) return readClassPath();
  if (!(await commandExists('mvn')))
    throw new OpenSearchNodeError(
      'Maven (mvn) is not installed: the local OpenSearch node is built from Maven Central ' +
        'artifacts (apt-get install -y maven)',
      'maven-missing',
    );
  const goals = [
    '-q',
    '-B',
    'compile',
    'dependency:build-classpath',
    `-Dmdep.outputFile=${classPathFile}`,
  ];
  try {
    await execFileAsync('mvn', ['-o', ...goals], { cwd: NODE_PROJECT, timeout: 600_000 });
  } catch {
    try {
      await execFileAsync('mvn', goals, {
        cwd: NODE_PROJECT,
        timeout: 600_000,
        maxBuffer: 16 * 1024 * 1024,
      });
    } catch (error) {
      const output = String((error as { stdout?: string }).stdout ?? '').trim();
      throw new OpenSearchNodeError(
        `Maven could not resolve the OpenSearch node (${NODE_PROJECT}): ${output.split('\n').slice(-5).join(' ') || String(error)}`,
        'resolve-failed',
        { cause: error },
      );
    }
  }
  return readClassPath();
}

function exited(child: ChildProcess): Promise<void> {
  return new Promise((done) => {
    if (child.exitCode !== null || child.signalCode !== null) done();
    else child.once('exit', () => done());
  });
}

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // Already gone.
  }
}

/**
 * Names the cause of a failed start from what the node printed (its last stderr lines).
 *
 * @example
 * startFailureCause(['java.net.BindException: Address already in use'], 9200); // 'port 9200 is taken: …'
 */
export function startFailureCause(log: readonly string[], port: number | undefined): string {
  const text = log.join('\n');
  const reported = /CREDSTACK_OPENSEARCH_FAILED=(.*)/.exec(text)?.[1];
  if (/OutOfMemoryError|Cannot allocate memory|Could not reserve enough space/.test(text))
    return 'out of memory (the JVM could not get or keep its heap)';
  if (/BindException|BindHttpException|Address already in use/.test(text))
    return `port ${port ?? '(free)'} is taken: ${reported ?? 'address already in use'}`;
  if (/failed to obtain node locks/.test(text))
    return 'another node is running on the same data folder (its lock is held)';
  if (/UnsupportedClassVersionError/.test(text))
    return 'the Java on the PATH is older than 17 (OpenSearch 2.19 needs Java 17+)';
  if (reported) return reported;
  const last = log.filter((line) => line.trim() !== '').slice(-3);
  return last.length > 0 ? last.join(' | ') : 'no output';
}

/**
 * Starts a node and resolves once it answers with a green cluster.
 *
 * @example
 * const node = await startOpenSearchNode({ home: '.data/opensearch/home', data: '.data/opensearch/data' });
 * // … node.url …
 * await node.stop();
 */
export async function startOpenSearchNode(
  options: StartOpenSearchOptions,
): Promise<OpenSearchNode> {
  const classPath = await resolveOpenSearchNode();
  if (!(await commandExists('java')))
    throw new OpenSearchNodeError(
      'Java is not installed: the local OpenSearch node needs Java 17+ (apt-get install -y default-jre-headless)',
      'java-missing',
    );
  await mkdir(options.home, { recursive: true });
  await mkdir(options.data, { recursive: true });
  const heap = options.heap ?? { min: '512m', max: '1g' };
  const child = spawn(
    'java',
    [
      `-Xms${heap.min}`,
      `-Xmx${heap.max}`,
      // An exhausted heap ends the node with a message rather than leaving it half alive.
      '-XX:+ExitOnOutOfMemoryError',
      // Netty sets its processor count itself; the node would refuse a second setting.
      '-Dopensearch.set.netty.runtime.available.processors=false',
      '-Dlog4j2.disable.jmx=true',
      '-cp',
      classPath,
      'credstack.opensearch.LocalNode',
      resolve(options.home),
      resolve(options.data),
      String(options.port ?? 0),
    ],
    { detached: true, stdio: ['pipe', 'pipe', 'pipe'] },
  );
  const pid = child.pid;
  const log: string[] = [];
  const remember = (chunk: Buffer) => {
    for (const line of chunk.toString('utf8').split('\n')) {
      if (line === '') continue;
      log.push(line);
      if (log.length > 200) log.shift();
      options.onLog?.(line);
    }
  };
  child.stderr?.on('data', remember);
  // Never let the parent wait for the node's pipes, nor leave it on exit.
  const onExit = () => {
    if (pid !== undefined) killGroup(pid, 'SIGKILL');
  };
  process.once('exit', onExit);

  const stop = async () => {
    process.removeListener('exit', onExit);
    if (child.exitCode !== null || child.signalCode !== null) return;
    const done = exited(child);
    child.stdin?.end();
    const timer = setTimeout(() => pid !== undefined && killGroup(pid, 'SIGTERM'), 15_000);
    const hard = setTimeout(() => pid !== undefined && killGroup(pid, 'SIGKILL'), 25_000);
    await done;
    clearTimeout(timer);
    clearTimeout(hard);
  };

  try {
    const address = await new Promise<string>((found, failed) => {
      const timeout = setTimeout(
        () =>
          failed(
            new OpenSearchNodeError(
              `the OpenSearch node did not listen within the timeout: ${startFailureCause(log, options.port)}`,
              'start-failed',
            ),
          ),
        options.readyTimeoutMs ?? 180_000,
      );
      let out = '';
      child.stdout?.on('data', (chunk: Buffer) => {
        out += chunk.toString('utf8');
        const match = /CREDSTACK_OPENSEARCH_HTTP=(\S+)/.exec(out);
        if (match?.[1]) {
          clearTimeout(timeout);
          found(match[1]);
        }
        if (out.length > 65_536) out = out.slice(-1024);
      });
      child.once('error', (error: NodeJS.ErrnoException) => {
        clearTimeout(timeout);
        failed(
          new OpenSearchNodeError(
            error.code === 'ENOENT'
              ? 'Java is not installed: the local OpenSearch node needs Java 17+'
              : `the OpenSearch node could not be started: ${error.message}`,
            error.code === 'ENOENT' ? 'java-missing' : 'start-failed',
            { cause: error },
          ),
        );
      });
      child.once('exit', (code, signal) => {
        clearTimeout(timeout);
        // Let the last stderr chunk arrive before naming the cause.
        setImmediate(() =>
          failed(
            new OpenSearchNodeError(
              `the OpenSearch node exited at start (${signal ?? `code ${code}`}): ${startFailureCause(log, options.port)}`,
              'start-failed',
            ),
          ),
        );
      });
    });
    const url = `http://${address}`;
    const deadline = Date.now() + (options.readyTimeoutMs ?? 180_000);
    for (;;) {
      const health = await fetch(`${url}/_cluster/health?wait_for_status=green&timeout=5s`)
        .then((response) => response.json() as Promise<{ status?: string }>)
        .catch(() => undefined);
      if (health?.status === 'green') break;
      if (child.exitCode !== null)
        throw new OpenSearchNodeError(
          `the OpenSearch node exited before turning green: ${startFailureCause(log, options.port)}`,
          'start-failed',
        );
      if (Date.now() > deadline)
        throw new OpenSearchNodeError(
          `the OpenSearch node on ${url} did not turn green within the timeout (last: ${health?.status ?? 'no answer'})`,
          'start-failed',
        );
      await new Promise((wait) => setTimeout(wait, 250));
    }
    child.stdout?.removeAllListeners('data');
    child.stdout?.resume();
    return { url, pid: pid ?? -1, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
