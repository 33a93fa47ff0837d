import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { useLocation } from 'preact-iso';
import { session } from '../../auth.ts';
import { useSignal } from '../../signal.ts';
import { Page } from '../../ui.tsx';
import './console.css';

/**
 * What every console page shares: which issuer it acts for (an issuer admin's own, from the
 * token; a platform admin names one, kept in the address as `?issuer=`), the console's own
 * navigation, and the sign-in requirement.
 */

export const CONSOLE_ROLES = ['issuer-admin', 'platform-admin'];

export function useIssuerId(): string | undefined {
  const current = useSignal(session);
  const { query } = useLocation();
  if (current?.issuerId) return current.issuerId;
  const named = query.issuer?.trim();
  return named ? named : undefined;
}

const SECTIONS: readonly [string, string][] = [
  ['/app/console', 'Dashboard'],
  ['/app/console/profile', 'Profile and keys'],
  ['/app/console/achievements', 'Achievements'],
  ['/app/console/credentials', 'Credentials'],
];

/** Sections about the platform, not one issuer: shown to platform admins only. */
const PLATFORM_SECTIONS: readonly [string, string][] = [['/app/console/issuers', 'Issuers']];

function IssuerChooser() {
  const { route, path } = useLocation();
  const [value, setValue] = useState('');
  return (
    <form
      class="stack-form"
      onSubmit={(e) => {
        e.preventDefault();
        if (value.trim()) route(`${path}?issuer=${encodeURIComponent(value.trim())}`);
      }}
    >
      <label for="console-issuer">Issuer id</label>
      <input id="console-issuer" value={value} onInput={(e) => setValue(e.currentTarget.value)} />
      <button type="submit">Open this issuer</button>
    </form>
  );
}

/**
 * A console page: the title, the console's navigation, then the page for one issuer. A page
 * about the whole platform (`platform`) is for platform admins and acts for no issuer.
 */
export function ConsolePage(
  props:
    | { title: string; platform?: false; children: (issuerId: string) => ComponentChildren }
    | { title: string; platform: true; children: () => ComponentChildren },
) {
  const current = useSignal(session);
  const { path } = useLocation();
  const issuerId = useIssuerId();
  const platformAdmin = current?.roles.includes('platform-admin') ?? false;
  const allowed = props.platform
    ? platformAdmin
    : current?.roles.some((role) => CONSOLE_ROLES.includes(role));
  const suffix = issuerId && !current?.issuerId ? `?issuer=${encodeURIComponent(issuerId)}` : '';
  const sections = platformAdmin ? [...SECTIONS, ...PLATFORM_SECTIONS] : SECTIONS;
  let body: ComponentChildren;
  if (props.platform) body = props.children();
  else body = issuerId ? props.children(issuerId) : <IssuerChooser />;
  return (
    <Page title={props.title}>
      {!allowed ? (
        <p>
          {props.platform
            ? 'This page is for platform administrators.'
            : 'The issuer console is for issuer administrators.'}{' '}
          <a href={`/app/sign-in?return=${encodeURIComponent(path)}`}>Sign in</a> as one.
        </p>
      ) : (
        <>
          <nav class="console-nav" aria-label="Issuer console">
            <ul>
              {sections.map(([href, label]) => (
                <li key={href}>
                  <a
                    href={PLATFORM_SECTIONS.some(([h]) => h === href) ? href : `${href}${suffix}`}
                    aria-current={path === href ? 'page' : undefined}
                  >
                    {label}
                  </a>
                </li>
              ))}
            </ul>
          </nav>
          {body}
        </>
      )}
    </Page>
  );
}

/** A confirmation in place: what will happen, and the two choices. */
export function Confirm(props: {
  children: ComponentChildren;
  confirmLabel: string;
  onConfirm: () => void;
  onCancel: () => void;
  busy?: boolean;
}) {
  return (
    <div class="confirm" role="alertdialog" aria-label={props.confirmLabel}>
      {props.children}
      <div class="row">
        <button type="button" onClick={props.onConfirm} disabled={props.busy}>
          {props.confirmLabel}
        </button>
        <button type="button" class="link" onClick={props.onCancel}>
          Cancel
        </button>
      </div>
    </div>
  );
}
