import middy from '@middy/core';

/**
 * The cold-start floor the functions are measured against: an empty middy handler, bundled
 * with the same options as every function (bench/cold-start.ts).
 */

/** Answers every event with an empty 204. */
export const handler = middy(async () => ({ statusCode: 204 }));
