import { useState } from 'preact/hooks';
import { api } from '../api/client.ts';
import { ErrorNote } from '../ui.tsx';
import { VerificationResult, type VerifyResponse } from './verification.tsx';

/**
 * Checks a badge someone holds: a file (JSON or JWT) or a link. A link to one of this
 * service's credentials is fetched; anything else is sent as the credential itself.
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

  async function fromText(text: string) {
    const trimmed = text.trim();
    if (trimmed.startsWith('{')) {
      try {
        await verify(JSON.parse(trimmed));
      } catch {
        setError(new Error('The file is not valid JSON.'));
      }
    } else await verify(trimmed);
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
      <label for="verify-file">Or a badge file (JSON or JWT)</label>
      <input
        id="verify-file"
        type="file"
        accept=".json,.jwt,application/json,text/plain"
        onChange={async (e) => {
          const file = e.currentTarget.files?.[0];
          if (file) await fromText(await file.text());
        }}
      />
      {busy && <p aria-busy="true">Checking…</p>}
      {error !== undefined && <ErrorNote error={error} />}
      {result && <VerificationResult result={result} />}
    </section>
  );
}
