import { useEffect, useState } from 'preact/hooks';
import { useLocation } from 'preact-iso';
import {
  completeProviderSignIn,
  homeOf,
  sessionFromToken,
  signInWith,
  signInWithProvider,
} from '../auth.ts';
import { useConfig } from '../config.ts';
import { ErrorNote, Page } from '../ui.tsx';

interface DevToken {
  readonly token: string;
  readonly description: string;
}

export function SignIn() {
  const config = useConfig();
  const { route, query } = useLocation();
  const [tokens, setTokens] = useState<Record<string, DevToken>>();
  const [error, setError] = useState<unknown>();
  // Only a path of this site: `//elsewhere` would leave it.
  const returnTo = query.return && /^\/(?!\/)/.test(query.return) ? query.return : undefined;

  useEffect(() => {
    if (!config?.devTokens) return;
    fetch('/app-dev-tokens.json')
      .then((r) =>
        r.ok ? r.json() : Promise.reject(new Error('The demo users are not available.')),
      )
      .then(setTokens, setError);
  }, [config]);

  if (!config) return <p aria-busy="true">Loading…</p>;
  return (
    <Page title="Sign in">
      <p>
        <button
          type="button"
          onClick={() =>
            signInWithProvider(config, returnTo ?? '').catch((e: unknown) =>
              setError(new Error(`The sign-in service did not answer: ${String(e)}`)),
            )
          }
        >
          Sign in with your account
        </button>
      </p>
      {error !== undefined && <ErrorNote error={error} />}
      {config.devTokens && (
        <>
          <h2>Demo users (local runtime only)</h2>
          <p class="muted">Pick a demo user; the token is kept for this tab only.</p>
          {tokens === undefined ? (
            <p aria-busy="true">Loading demo users…</p>
          ) : (
            <ul class="users">
              {Object.entries(tokens).map(([name, entry]) => (
                <li key={name}>
                  <button
                    type="button"
                    onClick={() => {
                      const next = sessionFromToken(entry.token, 'dev', name);
                      signInWith(next);
                      route(returnTo ?? homeOf(next));
                    }}
                  >
                    {name}
                  </button>{' '}
                  <span class="muted">{entry.description}</span>
                </li>
              ))}
            </ul>
          )}
        </>
      )}
    </Page>
  );
}

export function Callback() {
  const config = useConfig();
  const { route } = useLocation();
  const [error, setError] = useState<unknown>();
  useEffect(() => {
    if (!config) return;
    completeProviderSignIn(config).then((to) => route(to, true), setError);
  }, [config, route]);
  return (
    <Page title="Signing in">
      {error === undefined ? (
        <p aria-busy="true">Finishing sign-in…</p>
      ) : (
        <ErrorNote error={error} />
      )}
    </Page>
  );
}
