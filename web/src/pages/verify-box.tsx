import { useState } from 'preact/hooks';
import { api } from '../api/client.ts';
import { BadgeFileError, credentialFromFile } from '../baked.ts';
import { Busy, ErrorNote } from '../ui.tsx';
import { VerificationResult, type VerifyResponse } from './verification.tsx';

/**
 * Checks a badge someone holds: a file (JSON, JWT, or a baked PNG or SVG image, read in the
 * browser) or a link to one of this service's credentials, which is fetched.
 */
export function VerifyBox(props: { labelledBy: string }) {
  const [url, setUrl] = useState('');
  const [result, setResult] = useState<VerifyResponse>();
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);

  async function verify(credential: string | Record<string, never>) {
    setBusy(true);
    setError(undefined);
    setResult(undefined);
    const { data, error: failed } = await api.POST('/credentials/verify', {
      body: { verifiableCredential: credential },
    });
    setBusy(false);
    if (failed !== undefined) setError(failed);
    else setResult(data);
  }

  async function fromFile(file: File | undefined) {
    if (!file) return;
    setResult(undefined);
    try {
      await verify(
        (await credentialFromFile(new Uint8Array(await file.arrayBuffer()))) as
          | string
          | Record<string, never>,
      );
    } catch (e) {
      setBusy(false);
      setError(
        e instanceof BadgeFileError ? e : new Error(`${file.name} could not be read as a badge.`),
      );
    }
  }

  async function fromUrl(event: Event) {
    event.preventDefault();
    const match = /\/credentials\/([^/?#]+)/.exec(url);
    if (!match?.[1]) {
      setError(new Error('Paste a link to a credential (…/credentials/<id>) or choose a file.'));
      return;
    }
    const response = await fetch(`/credentials/${match[1]}/credential.jwt`);
    if (response.ok) return verify(await response.text());
    const json = await fetch(`/credentials/${match[1]}`);
    if (!json.ok) return setError(await json.json().catch(() => new Error('Not found.')));
    return verify(await json.json());
  }

  return (
    <section class="card" aria-labelledby={props.labelledBy}>
      <form onSubmit={fromUrl} class="row">
        <label for="verify-url">Link to a badge</label>
        <input
          id="verify-url"
          type="url"
          value={url}
          onInput={(e) => setUrl(e.currentTarget.value)}
          placeholder="https://…/credentials/urn:uuid:…"
        />
        <button type="submit" disabled={busy}>
          Verify link
        </button>
      </form>
      <form
        class="drop"
        onSubmit={(e) => e.preventDefault()}
        onDragOver={(e) => e.preventDefault()}
        onDrop={(e) => {
          e.preventDefault();
          void fromFile(e.dataTransfer?.files[0]);
        }}
      >
        <label for="verify-file">Or a badge file (PNG or SVG image, JSON or JWT)</label>
        <input
          id="verify-file"
          type="file"
          accept=".png,.svg,.json,.jwt,image/png,image/svg+xml,application/json,text/plain"
          onChange={async (e) => {
            const input = e.currentTarget;
            await fromFile(input.files?.[0]);
            input.value = '';
          }}
        />
      </form>
      {busy && <Busy label="Checking the badge…" />}
      {error !== undefined && <ErrorNote error={error} />}
      {result && <VerificationResult result={result} />}
    </section>
  );
}
