/**
 * Content negotiation of the page routes, apart from the pages themselves: a route decides
 * whether to answer with HTML before it loads the module that renders it.
 */

/**
 * True when the client asked for HTML before JSON: a browser's navigation `Accept`
 * (`text/html,…`), not an API client's (`application/json`, `application/problem+json`, none).
 *
 * @example
 * prefersHtml('text/html,application/xhtml+xml,*\/*;q=0.8'); // true
 * prefersHtml('application/json'); // false
 */
export function prefersHtml(accept: string | undefined): boolean {
  if (accept === undefined) return false;
  const types = accept
    .split(',')
    .map((part) => {
      const [type = '', ...params] = part.split(';').map((piece) => piece.trim().toLowerCase());
      const q = params.find((param) => param.startsWith('q='));
      return { type, q: q === undefined ? 1 : Number(q.slice(2)) || 0 };
    })
    .filter((entry) => entry.q > 0);
  const weight = (match: (type: string) => boolean) =>
    Math.max(0, ...types.filter((entry) => match(entry.type)).map((entry) => entry.q));
  const htmlWeight = weight((type) => type === 'text/html' || type === 'application/xhtml+xml');
  const jsonWeight = weight((type) => type === 'application/json' || type.endsWith('+json'));
  return htmlWeight > 0 && htmlWeight >= jsonWeight;
}
