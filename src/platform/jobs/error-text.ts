// The text stored in jobs.last_error: a stable code and the message, scrubbed of anything that
// looks like personal data (staff read it; it must not become a second copy of customer data).
// No stack: file paths and frames help nobody reading the dead-letter list and leak internals.
import { isAppError } from '../errors.ts';
import { scrubErrorText } from '../redact.ts';

const MAX_LENGTH = 1000;

export function jobErrorText(err: unknown): string {
  let code = 'ERROR';
  let message: string;
  if (err instanceof Error) {
    const ownCode = (err as { code?: unknown }).code;
    code = isAppError(err) ? err.code : typeof ownCode === 'string' && ownCode ? ownCode : err.name || 'Error';
    message = err.message;
  } else {
    message = String(err);
  }
  return scrubErrorText(`${code}: ${message}`).slice(0, MAX_LENGTH);
}
