/**
 * JSON nesting is bounded where it is parsed (docs/security.md, "Sizes and depths"): the HTTP body
 * parser of every route and the agent WebSocket refuse a document nested deeper than the limit with
 * 400 / `INVALID_PARAMS`, before `JSON.parse` and before any schema, handler or database sees it.
 */
import type { FastifyInstance } from 'fastify';

/** Our deepest request is 4 levels; free-form values (`attributes`, messages) get room to spare. */
export const DEFAULT_MAX_JSON_DEPTH = 32;

/** Whether `text` opens more than `max` arrays/objects inside each other (strings skipped; O(n), no recursion). */
export function jsonDeeperThan(text: string, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > max) return true;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return false;
}

/** Replaces the JSON body parser with Fastify's own (prototype poisoning checked) behind the depth check. */
export function limitJsonDepth(app: FastifyInstance, maxDepth: number): void {
  const parse = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (req, body, done) => {
    if (jsonDeeperThan(body as string, maxDepth)) {
      const err = Object.assign(new Error(`the JSON body is nested deeper than ${maxDepth} levels`), {
        statusCode: 400,
      });
      return done(err, undefined);
    }
    return parse(req, body as string, done);
  });
}
