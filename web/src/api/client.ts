import createClient, { type Middleware } from 'openapi-fetch';
import { expired, session } from '../auth.ts';
import type { paths } from './schema.d.ts';

/**
 * The one way the app talks to the service: a client typed from the service's own OpenAPI
 * document (schema.d.ts is generated from it), so a changed route breaks the build, not a page.
 */

const auth: Middleware = {
  onRequest({ request }) {
    const current = session.get();
    if (current && !request.headers.has('authorization'))
      request.headers.set('authorization', `Bearer ${current.token}`);
    return request;
  },
  onResponse({ response }) {
    // A refused token means the session ended: say so and let the user sign in again.
    if (response.status === 401 && session.get()) expired.set(true);
    return response;
  },
};

export const api = createClient<paths>({ baseUrl: '' });
api.use(auth);

/** An RFC 9457 problem, as the API answers every failure. */
export interface Problem {
  readonly title?: string;
  readonly status?: number;
  readonly detail?: string;
  readonly errors?: readonly { readonly pointer?: string; readonly detail?: string }[];
}

/** The problem in plain words, for a page that shows one. */
export function problemText(error: unknown): string {
  if (error && typeof error === 'object') {
    const problem = error as Problem;
    const parts = [problem.detail ?? problem.title ?? 'The request failed.'];
    for (const field of problem.errors ?? [])
      parts.push(`${field.pointer ? `${field.pointer}: ` : ''}${field.detail ?? ''}`);
    return parts.join(' ');
  }
  return error instanceof Error ? error.message : String(error);
}

/** The message of one field, for showing it next to that field. */
export function fieldError(error: unknown, pointer: string): string | undefined {
  const problem = error as Problem | undefined;
  return problem?.errors?.find((e) => e.pointer === pointer || e.pointer?.startsWith(`${pointer}/`))
    ?.detail;
}
