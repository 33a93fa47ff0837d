import type { HttpMiddleware } from './logging.ts';
import { problemFor } from './problem.ts';
import { requestState } from './request-state.ts';

/**
 * Turns whatever a later step threw into a problem+json response through the one mapper
 * (problem.ts). An unexpected error, and the cause of a 503, is kept in the request state so
 * the log line (with the correlation id), not the response, carries what it was.
 *
 * @example
 * middy(handler).use(correlationId()).use(requestLogger(logger)).use(errorHandler());
 */
export function errorHandler(): HttpMiddleware {
  return {
    onError: (request) => {
      const state = requestState(request.event);
      const mapped = problemFor(request.error, {
        instance: request.event.rawPath ?? '/',
        ...(state.challenge === undefined ? {} : { challenge: state.challenge }),
      });
      if (mapped.logCause) state.unexpected = request.error;
      // Set, not returned: a returned value would stop the logger and correlation steps.
      request.response = {
        statusCode: mapped.status,
        headers: { ...mapped.headers },
        body: JSON.stringify(mapped.body),
        isBase64Encoded: false,
      };
    },
  };
}
