// Request bodies must be UTF-8. Decoding invalid bytes as text would silently turn them into
// U+FFFD and store the damaged text; instead the request is refused with a 400 naming the body
// (a JSON or urlencoded body) or the multipart field. Multipart fields are read as latin1 (byte for
// byte) by the parser and decoded here, so their bytes can be checked; files are left alone.
import { isUtf8 } from 'node:buffer';
import type { FastifyInstance } from 'fastify';
import { AppError } from '../platform/errors.ts';
import { mayBeMultipart } from './multipart.ts';
import { parseQuery } from './query-parser.ts';

const MESSAGE = 'is not valid UTF-8';

const notUtf8 = (field: string): AppError => new AppError('VALIDATION_FAILED', `${field}: ${MESSAGE}`, [{ field, message: MESSAGE }]);

/** The JSON and urlencoded parsers, each refusing a body that is not UTF-8 before it is parsed. */
export function installUtf8Bodies(app: FastifyInstance, formBodyLimit: number): void {
  const json = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body, done) => {
    const bytes = body as Buffer;
    if (!isUtf8(bytes)) return done(notUtf8('body'), undefined);
    json(request, bytes.toString('utf8'), done);
  });
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'buffer', bodyLimit: formBodyLimit }, (_request, body, done) => {
    const bytes = body as Buffer;
    if (!isUtf8(bytes)) return done(notUtf8('body'), undefined);
    done(null, parseQuery(bytes.toString('utf8')));
  });
}

/** Decodes each multipart text field (read as latin1) as UTF-8, or refuses the first that is not. */
export function installUtf8MultipartFields(app: FastifyInstance): void {
  app.addHook('preValidation', (request, _reply, done) => {
    const body = request.body as Record<string, unknown> | null;
    if (!mayBeMultipart(request) || !body || typeof body !== 'object') return done();
    for (const [name, value] of Object.entries(body)) {
      const values = Array.isArray(value) ? value : [value];
      const decoded: unknown[] = [];
      for (const v of values) {
        if (typeof v !== 'string') {
          decoded.push(v);
          continue;
        }
        const bytes = Buffer.from(v, 'latin1');
        if (!isUtf8(bytes)) return done(notUtf8(`body.${name}`));
        decoded.push(bytes.toString('utf8'));
      }
      body[name] = Array.isArray(value) ? decoded : decoded[0];
    }
    done();
  });
}
