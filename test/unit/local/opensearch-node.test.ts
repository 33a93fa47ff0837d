import { describe, expect, it } from 'vitest';
import { startFailureCause } from '#local/opensearch-node.ts';

// A node that will not start must say why in one line: these are the launcher's and the JVM's
// own words for each cause (the launcher prints CREDSTACK_OPENSEARCH_FAILED=<root cause>).
describe('startFailureCause', () => {
  it('names a taken port, with the port', () => {
    const log = [
      'CREDSTACK_OPENSEARCH_FAILED=BindHttpException: Failed to bind to 127.0.0.1:9311 (cause: BindException: Address already in use)',
    ];
    expect(startFailureCause(log, 9311)).toBe(
      'port 9311 is taken: BindHttpException: Failed to bind to 127.0.0.1:9311 (cause: BindException: Address already in use)',
    );
  });

  it('names an exhausted or unobtainable heap', () => {
    expect(
      startFailureCause(['Terminating due to java.lang.OutOfMemoryError: Java heap space'], 0),
    ).toBe('out of memory (the JVM could not get or keep its heap)');
    expect(startFailureCause(['Error: Could not reserve enough space for object heap'], 0)).toMatch(
      /^out of memory/,
    );
  });

  it('names a data folder another node holds, and a Java too old', () => {
    expect(
      startFailureCause(
        ['CREDSTACK_OPENSEARCH_FAILED=IllegalStateException: failed to obtain node locks, tried …'],
        0,
      ),
    ).toBe('another node is running on the same data folder (its lock is held)');
    expect(
      startFailureCause(
        ['Exception in thread "main" java.lang.UnsupportedClassVersionError: …'],
        0,
      ),
    ).toMatch(/older than 17/);
  });

  it('falls back to what the launcher reported, then to the last lines', () => {
    expect(startFailureCause(['CREDSTACK_OPENSEARCH_FAILED=SettingsException: bad'], 0)).toBe(
      'SettingsException: bad',
    );
    expect(startFailureCause(['a', '', 'b', 'c', 'd'], 0)).toBe('b | c | d');
    expect(startFailureCause([], 0)).toBe('no output');
  });
});
