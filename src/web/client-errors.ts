// What the shop answers when Node's HTTP parser refuses a request before Fastify sees it (a request
// line or headers over Node's 16 KB limit, bytes that are not HTTP, a request too slow to arrive):
// the same JSON error as every other refusal, naming what was wrong, instead of a bare status.
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import { AppError } from '../platform/errors.ts';
import { urlTooLong } from './error-handler.ts';

type ClientError = Error & { code?: string; rawPacket?: Buffer };

/** The request line ends at the first CRLF; one the parser never reached is the part too long. */
function requestLineTooLong(raw: Buffer | undefined): boolean {
  if (!raw) return false;
  const end = raw.indexOf('\r\n');
  return end === -1 || end > 8 * 1024;
}

export function clientErrorOf(err: ClientError): AppError {
  switch (err.code) {
    case 'HPE_HEADER_OVERFLOW':
      return requestLineTooLong(err.rawPacket) ? urlTooLong() : new AppError('HEADERS_TOO_LARGE', 'headers: are too large (at most 16 KB together)', [{ field: 'headers', message: 'are too large' }]);
    case 'ERR_HTTP_REQUEST_TIMEOUT':
    case 'ERR_HTTP_HEADERS_TIMEOUT':
      return new AppError('REQUEST_TIMEOUT');
    default:
      return new AppError('MALFORMED_REQUEST');
  }
}

/** Fastify's clientErrorHandler: answers once on the raw socket and closes it. */
export function answerClientError(err: ClientError, socket: Socket): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  if (!socket.writable) {
    socket.destroy(err);
    return;
  }
  const refused = clientErrorOf(err);
  const body = JSON.stringify({ error: { code: refused.code, message: refused.message, fields: refused.fields } });
  socket.end(
    `HTTP/1.1 ${refused.status} ${STATUS_CODES[refused.status]}\r\n` +
      'Content-Type: application/json; charset=utf-8\r\n' +
      `Content-Length: ${Buffer.byteLength(body)}\r\n` +
      'Cache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\nConnection: close\r\n\r\n' +
      body,
  );
}
