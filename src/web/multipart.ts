// @fastify/multipart, with the hooks it puts on every request run only for a request that may be
// multipart. The plugin adds three async hooks to every route: field attachment (preValidation)
// and clean-up of temporary files for its disk mode (onRequest, onResponse). For any other
// request they do nothing, but each cost a promise, and the onRequest one a 'close' listener, on
// every page view (decision 0040). The plugin is otherwise registered as it was, at the root.
import type { FastifyInstance, FastifyPluginCallback, FastifyReply, FastifyRequest } from 'fastify';
import multipart, { type FastifyMultipartOptions } from '@fastify/multipart';
import { isAppError, validationError } from '../platform/errors.ts';

type Done = (err?: Error) => void;
type Hook = (this: FastifyInstance, request: FastifyRequest, reply: FastifyReply, done?: Done) => unknown;

/** A superset of the requests Fastify hands to the multipart parser (its match ignores case). */
export function mayBeMultipart(request: FastifyRequest): boolean {
  const type = request.headers['content-type'];
  return type !== undefined && /multipart/i.test(type);
}

/**
 * The body parser (busboy) rejects a malformed body with a plain Error ("Unexpected end of
 * multipart data", "Malformed part header"): that is the client's bad input, a 400 naming body,
 * not a 500. The plugin's own errors (limits, content type) carry their HTTP status and pass.
 */
function asClientError(err: unknown): unknown {
  if (isAppError(err) || !(err instanceof Error) || (err as { statusCode?: unknown }).statusCode !== undefined) return err;
  return validationError('body', 'is not a valid multipart form');
}

function onlyForMultipart(hook: Hook): Hook {
  return function (this: FastifyInstance, request, reply, done) {
    if (!mayBeMultipart(request)) {
      done!();
      return;
    }
    if (hook.length >= 3) {
      hook.call(this, request, reply, done);
      return;
    }
    Promise.resolve(hook.call(this, request, reply)).then(
      () => done!(),
      (err: unknown) => done!(asClientError(err) as Error),
    );
  };
}

const plugin: FastifyPluginCallback<FastifyMultipartOptions> = (app, options, done) => {
  // The plugin sees the app as it is, except that the hooks it adds are wrapped.
  const scoped = Object.create(app) as FastifyInstance;
  scoped.addHook = ((name: 'onRequest', hook: Hook) => app.addHook(name, onlyForMultipart(hook) as never)) as unknown as FastifyInstance['addHook'];
  (multipart as unknown as FastifyPluginCallback<FastifyMultipartOptions>)(scoped, options, done);
};
// Registered at the root like the plugin itself (its parser and decorators are the app's).
(plugin as unknown as Record<symbol, boolean>)[Symbol.for('skip-override')] = true;

export const multipartForms = plugin as unknown as typeof multipart;
