import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { problemText } from './api/client.ts';

/** Shared pieces: a loader for one API call with its loading, error and empty states. */

export type Load<T> =
  | { readonly state: 'loading' }
  | { readonly state: 'error'; readonly error: unknown }
  | { readonly state: 'ok'; readonly data: T };

export function useLoad<T>(
  run: () => Promise<{ data?: T; error?: unknown }>,
  deps: unknown[],
): [Load<T>, () => void] {
  const [load, setLoad] = useState<Load<T>>({ state: 'loading' });
  const [tick, setTick] = useState(0);
  // The caller names what the call depends on (deps), as with useEffect.
  useEffect(() => {
    let live = true;
    setLoad({ state: 'loading' });
    run().then(
      ({ data, error }) => {
        if (!live) return;
        setLoad(
          error !== undefined || data === undefined
            ? { state: 'error', error }
            : { state: 'ok', data },
        );
      },
      (error: unknown) => live && setLoad({ state: 'error', error }),
    );
    return () => {
      live = false;
    };
  }, [...deps, tick]);
  return [load, () => setTick((t) => t + 1)];
}

export function Loaded<T>(props: {
  load: Load<T>;
  what: string;
  children: (data: T) => ComponentChildren;
}) {
  if (props.load.state === 'loading')
    return (
      <p class="muted" aria-busy="true">
        Loading {props.what}…
      </p>
    );
  if (props.load.state === 'error') return <ErrorNote error={props.load.error} />;
  return <>{props.children(props.load.data)}</>;
}

/**
 * Work under way that may take more than a second (verifying, fetching a link): a moving
 * progress bar and the words, announced politely.
 */
export function Busy(props: { label: string }) {
  return (
    <div class="busy" role="status" aria-live="polite">
      <progress aria-label={props.label} />
      <span>{props.label}</span>
    </div>
  );
}

export function ErrorNote(props: { error: unknown }) {
  return (
    <p class="error" role="alert">
      {problemText(props.error)}
    </p>
  );
}

/** Whether a page has been shown yet: the first one after a load keeps the browser's focus. */
let shownOne = false;

export function Page(props: { title: string; children: ComponentChildren }) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    document.title = `${props.title} · credstack`;
  }, [props.title]);
  // After a route change the browser leaves focus on the link that was clicked (now gone):
  // moving it to the new page's heading tells a screen reader where the user is, and the
  // next Tab starts at the top of the new content.
  useEffect(() => {
    if (shownOne) heading.current?.focus({ preventScroll: false });
    shownOne = true;
  }, []);
  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title" ref={heading} tabIndex={-1}>
        {props.title}
      </h1>
      {props.children}
    </section>
  );
}

export function date(iso: string | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleDateString('en-GB', { dateStyle: 'medium' });
}

/** Offers a file the app made (a receipt, an export) for download. */
export function download(name: string, type: string, body: string | Blob): void {
  const url = URL.createObjectURL(body instanceof Blob ? body : new Blob([body], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
