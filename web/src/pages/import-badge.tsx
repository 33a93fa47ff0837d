import { useState } from 'preact/hooks';
import { api } from '../api/client.ts';
import type { paths } from '../api/schema.d.ts';
import { Busy, ErrorNote, Page } from '../ui.tsx';
import { CheckList } from './verification.tsx';

type Preview =
  paths['/learners/{learnerId}/imports/preview']['post']['responses'][200]['content']['application/json'];
type Source = { file: string; name: string } | { url: string };

/** Reads a dropped or chosen file as base64 for the import routes. */
async function base64Of(file: File): Promise<string> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000)
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

/** Largest file the service takes (MAX_IMPORT_BYTES): said before sending, not after. */
const MAX_FILE_BYTES = 750 * 1024;

const FORMAT_WORDS: Record<string, string> = {
  json: 'a credential file (JSON)',
  jwt: 'a signed credential (JWT)',
  png: 'a badge image (PNG) with the credential inside',
  svg: 'a badge image (SVG) with the credential inside',
};

/** The preview in plain words: what the badge is, whether it checks out, and what happens next. */
function PreviewReport(props: { preview: Preview }) {
  const { preview } = props;
  const report = preview.report;
  const name = preview.achievement.name ?? 'a badge with no name';
  const issuer = preview.issuer.name ?? preview.issuer.id ?? 'an issuer that does not name itself';
  return (
    <section class="card" aria-labelledby="preview-heading">
      <h2 id="preview-heading">What we found</h2>
      <p>
        This is {FORMAT_WORDS[preview.format] ?? 'a credential'}: “{name}” from {issuer}.
      </p>
      <ul>
        <li>
          {report.verdict === 'valid'
            ? 'It verifies: the signature is good, it has not been changed, and it is neither revoked nor expired.'
            : `It does not verify: ${
                report.checks.find((c) => c.id === report.decidingCheck)?.reason ??
                'a check failed (see below)'
              }.`}
        </li>
        <li>
          {report.issuerBinding.bound
            ? 'The key that signed it belongs to its issuer.'
            : `The key that signed it is not shown to belong to its issuer: ${report.issuerBinding.reason}.`}
        </li>
      </ul>
      <p class={preview.accepted ? 'verdict ok' : 'verdict bad'} role="status">
        {preview.accepted
          ? 'It can be added to your badges. Nothing is saved until you choose to keep it.'
          : preview.alreadyImported
            ? 'You have already added this badge; there is nothing more to do.'
            : `It cannot be added: ${preview.refusal ?? 'it did not pass the checks'}. Nothing was saved.`}
      </p>
      <CheckList checks={report.checks} />
    </section>
  );
}

export function ImportBadge(props: { learnerId: string }) {
  const [url, setUrl] = useState('');
  const [urlError, setUrlError] = useState<string>();
  const [source, setSource] = useState<Source>();
  const [preview, setPreview] = useState<Preview>();
  const [added, setAdded] = useState<string>();
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState<string>();
  const [dragging, setDragging] = useState(false);

  const body = (from: Source) => ('url' in from ? { url: from.url } : { file: from.file });

  async function check(from: Source) {
    setBusy('Reading and verifying the badge…');
    setError(undefined);
    setPreview(undefined);
    setAdded(undefined);
    setSource(from);
    const { data, error: failed } = await api.POST('/learners/{learnerId}/imports/preview', {
      params: { path: { learnerId: props.learnerId } },
      body: body(from),
    });
    setBusy(undefined);
    if (failed !== undefined) return setError(failed);
    setPreview(data);
  }

  async function keep() {
    if (!source) return;
    setBusy('Adding the badge…');
    setError(undefined);
    const { data, error: failed } = await api.POST('/learners/{learnerId}/imports', {
      params: { path: { learnerId: props.learnerId } },
      body: body(source),
    });
    setBusy(undefined);
    if (failed !== undefined) return setError(failed);
    setPreview(undefined);
    setSource(undefined);
    setAdded(`Added “${data.achievement.name ?? 'the badge'}” to your badges.`);
  }

  async function fromFile(file: File | undefined) {
    if (!file) return;
    if (file.size > MAX_FILE_BYTES) {
      setPreview(undefined);
      setError(
        new Error(
          `${file.name} is ${Math.ceil(file.size / 1024)} KB; a badge file may be at most ${MAX_FILE_BYTES / 1024} KB.`,
        ),
      );
      return;
    }
    await check({ file: await base64Of(file), name: file.name });
  }

  return (
    <Page title="Add a badge from elsewhere">
      <p>
        Add a badge another issuer gave you: a JSON or JWT file, a baked PNG or SVG image, or a
        link. It is checked first and you see the result before anything is saved; a badge that does
        not verify, whose key does not belong to its issuer, or that was issued to someone else,
        cannot be added.
      </p>
      <form
        class={dragging ? 'drop card dragging' : 'drop card'}
        onDragOver={(e) => {
          e.preventDefault();
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={async (e) => {
          e.preventDefault();
          setDragging(false);
          await fromFile(e.dataTransfer?.files[0]);
        }}
        onSubmit={(e) => e.preventDefault()}
      >
        <label for="import-file">Drop a badge file here, or choose one</label>
        <input
          id="import-file"
          type="file"
          accept=".json,.jwt,.png,.svg,application/json,image/png,image/svg+xml,text/plain"
          onChange={async (e) => {
            const input = e.currentTarget;
            await fromFile(input.files?.[0]);
            // The same file chosen again (after fixing it) must fire a change again.
            input.value = '';
          }}
        />
      </form>
      <form
        class="row"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          const trimmed = url.trim();
          if (!/^https:\/\/[^\s/]+/i.test(trimmed)) {
            setUrlError('Give the badge’s full link, starting with https://.');
            return;
          }
          setUrlError(undefined);
          void check({ url: trimmed });
        }}
      >
        <label for="import-url">Or the badge's link (https)</label>
        <input
          id="import-url"
          type="url"
          value={url}
          onInput={(e) => setUrl(e.currentTarget.value)}
          aria-invalid={urlError ? 'true' : undefined}
          aria-describedby={urlError ? 'import-url-error' : undefined}
        />
        <button type="submit" disabled={busy !== undefined}>
          Check link
        </button>
        {urlError && (
          <p id="import-url-error" class="error">
            {urlError}
          </p>
        )}
      </form>
      {busy && <Busy label={busy} />}
      {error !== undefined && (
        <div role="alert">
          <p>The badge was not added.</p>
          <ErrorNote error={error} />
        </div>
      )}
      {preview && (
        <>
          <PreviewReport preview={preview} />
          <div class="row">
            {preview.accepted && (
              <button type="button" onClick={keep} disabled={busy !== undefined}>
                Keep this badge
              </button>
            )}
            <button
              type="button"
              onClick={() => {
                setPreview(undefined);
                setSource(undefined);
              }}
            >
              {preview.accepted ? 'Cancel' : 'Try another'}
            </button>
          </div>
        </>
      )}
      {added && (
        <p class="verdict ok" role="status">
          {added} <a href="/app/badges">See my badges</a>
        </p>
      )}
    </Page>
  );
}
