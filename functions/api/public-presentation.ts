/**
 * What the public routes draw rather than read: the HTML verification and not-found pages, the
 * badge images the service draws, and baking a credential into them. public-routes.ts loads
 * this module on the first request that draws something (shared/core/first-need.ts), so the
 * VC-API verification and the JSON documents, the main paths of the functions serving these
 * routes, do not parse it at start.
 */

export { bakePng } from '#shared/credentials/bake/png.ts';
export { bakeSvg } from '#shared/credentials/bake/svg.ts';
export { badgePng, badgeSvg } from '#shared/credentials/present/badge-image.ts';
export { badgeImageFor } from '#shared/credentials/present/badge-image-source.ts';
export { readCredentialView } from '#shared/credentials/present/credential-view.ts';
export { renderNotFoundPage } from '#shared/credentials/present/not-found-page.ts';
export { renderVerificationPage } from '#shared/credentials/present/verification-page.ts';
