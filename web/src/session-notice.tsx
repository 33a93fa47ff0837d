import { useEffect, useState } from 'preact/hooks';
import { expired, isExpired, session, signInWithProvider } from './auth.ts';
import type { AppConfig } from './config.ts';
import { useSignal } from './signal.ts';

/**
 * Says that the session has ended — when the API refused the token, or when the token's own
 * expiry passes while the page is open — and signs in again from here, coming back to the
 * same page. A provider session still open signs in again without asking.
 */
export function SessionNotice(props: { config: AppConfig | undefined }) {
  const isOver = useSignal(expired);
  const current = useSignal(session);
  const [now, setNow] = useState(() => Date.now());
  const [error, setError] = useState<string>();

  // Re-render when the token's expiry comes, so the notice shows without a click.
  useEffect(() => {
    if (current?.expiresAt === undefined) return;
    const wait = current.expiresAt * 1000 - Date.now();
    if (wait <= 0) return;
    const timer = setTimeout(() => setNow(Date.now()), Math.min(wait + 500, 2 ** 31 - 1));
    return () => clearTimeout(timer);
  }, [current?.expiresAt]);

  const over = isOver || (current !== undefined && isExpired(current, now / 1000));
  if (!over) return null;
  const here = `${location.pathname}${location.search}`;
  return (
    <div class="error" role="alert">
      <p>
        Your session has ended.{' '}
        {props.config && current?.via !== 'dev' ? (
          <button
            type="button"
            class="link"
            onClick={() => {
              const config = props.config;
              if (config)
                signInWithProvider(config, here).catch((e: unknown) =>
                  setError(`The sign-in service did not answer: ${String(e)}`),
                );
            }}
          >
            Sign in again
          </button>
        ) : (
          <a href={`/app/sign-in?return=${encodeURIComponent(here)}`}>Sign in again</a>
        )}{' '}
        to continue.
      </p>
      {error && <p>{error}</p>}
    </div>
  );
}
