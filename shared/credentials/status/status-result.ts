// What a status check reports, apart from the checks: the revocation list check returns one and
// status-check dispatches to it, so the type sits below both to keep them acyclic.

export type StatusOutcome = 'active' | 'revoked' | 'suspended' | 'unknown' | 'error';

/** What one `credentialStatus` entry says about the credential, with a readable reason. */
export interface StatusResult {
  readonly type: string;
  readonly purpose?: string;
  readonly outcome: StatusOutcome;
  readonly reason: string;
}
