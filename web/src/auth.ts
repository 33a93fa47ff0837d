import type { AppConfig } from './config.ts';
import { signal } from './signal.ts';

/**
 * The signed-in user: an access token and what its claims say the user may do. Tokens live in
 * sessionStorage (cleared when the tab closes), never in localStorage. Two ways in: the OIDC
 * provider (authorization code + PKCE, oidc-client-ts, loaded only when used) and, in the local
 * runtime only, a dev token picked from the demo users.
 */

export interface Session {
  readonly token: string;
  readonly via: 'oidc' | 'dev';
  readonly label: string;
  readonly roles: readonly string[];
  readonly learnerId?: string;
  readonly employerId?: string;
  readonly issuerId?: string;
  /** Seconds since the epoch. */
  readonly expiresAt?: number;
}

const KEY = 'credstack.session';

/** The claims of a JWT's payload; the API verifies the token, the app only reads it. */
export function claimsOf(token: string): Record<string, unknown> {
  const part = token.split('.')[1];
  if (!part) return {};
  try {
    const json = atob(part.replace(/-/g, '+').replace(/_/g, '/'));
    return JSON.parse(new TextDecoder().decode(Uint8Array.from(json, (c) => c.charCodeAt(0))));
  } catch {
    return {};
  }
}

export function sessionFromToken(token: string, via: Session['via'], label: string): Session {
  const claims = claimsOf(token);
  const text = (name: string) =>
    typeof claims[name] === 'string' ? (claims[name] as string) : undefined;
  const roles = Array.isArray(claims['credstack:roles'])
    ? (claims['credstack:roles'] as unknown[]).filter((r): r is string => typeof r === 'string')
    : [];
  const learnerId = text('credstack:learner_id');
  const employerId = text('credstack:employer_id');
  const issuerId = text('credstack:issuer_id');
  return {
    token,
    via,
    label,
    roles,
    ...(learnerId ? { learnerId } : {}),
    ...(employerId ? { employerId } : {}),
    ...(issuerId ? { issuerId } : {}),
    ...(typeof claims.exp === 'number' ? { expiresAt: claims.exp } : {}),
  };
}

function stored(): Session | undefined {
  try {
    const raw = sessionStorage.getItem(KEY);
    return raw ? (JSON.parse(raw) as Session) : undefined;
  } catch {
    return undefined;
  }
}

export const session = signal<Session | undefined>(stored());
/** Set when the API refused the token: the app says so and offers to sign in again. */
export const expired = signal(false);

export function signInWith(next: Session): void {
  sessionStorage.setItem(KEY, JSON.stringify(next));
  expired.set(false);
  session.set(next);
}

export function isExpired(current: Session, now = Date.now() / 1000): boolean {
  return current.expiresAt !== undefined && current.expiresAt <= now;
}

async function userManager(config: AppConfig) {
  const { UserManager, WebStorageStateStore } = await import('oidc-client-ts');
  return new UserManager({
    authority: config.oidc.authority,
    client_id: config.oidc.clientId,
    redirect_uri: config.oidc.redirectUri,
    post_logout_redirect_uri: config.oidc.postLogoutRedirectUri,
    scope: config.oidc.scope,
    response_type: 'code',
    userStore: new WebStorageStateStore({ store: window.sessionStorage }),
    stateStore: new WebStorageStateStore({ store: window.sessionStorage }),
  });
}

export async function signInWithProvider(config: AppConfig, returnTo: string): Promise<void> {
  await (await userManager(config)).signinRedirect({ state: { returnTo } });
}

/** The redirect back from the provider: trade the code for tokens, then go where the user was. */
export async function completeProviderSignIn(config: AppConfig): Promise<string> {
  const user = await (await userManager(config)).signinRedirectCallback();
  const label = (user.profile.name ?? user.profile.email ?? user.profile.sub) as string;
  const next = sessionFromToken(user.access_token, 'oidc', label);
  signInWith(next);
  const state = user.state as { returnTo?: string } | undefined;
  // Only a path of this site (never `//elsewhere`): the state came back through the browser.
  return state?.returnTo && /^\/(?!\/)/.test(state.returnTo) ? state.returnTo : homeOf(next);
}

/** Where a user lands after signing in with no page to go back to: their own section. */
export function homeOf(current: Session): string {
  if (current.learnerId) return '/app/badges';
  if (current.employerId) return '/app/search';
  return '/';
}

export async function signOut(config: AppConfig | undefined): Promise<void> {
  const current = session.get();
  sessionStorage.removeItem(KEY);
  session.set(undefined);
  expired.set(false);
  if (current?.via === 'oidc' && config) await (await userManager(config)).signoutRedirect();
}
