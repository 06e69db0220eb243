// The body of a signed webhook, parsed. A valid signature says who sent it, not that it is sane:
// it must be a JSON object whose text fields can be stored, or it is refused with a 400.
import { AppError } from '../../platform/errors.ts';
import { firstUncleanField, uncleanTextError } from '../../web/text-check.ts';

export function parseWebhookEvent(rawBody: Buffer, what: string): Record<string, unknown> {
  let event: unknown;
  try {
    event = JSON.parse(rawBody.toString('utf8'));
  } catch {
    throw new AppError('BAD_JSON');
  }
  if (event === null || typeof event !== 'object' || Array.isArray(event)) throw new AppError('VALIDATION_FAILED', `body: is not ${what}`, [{ field: 'body', message: `is not ${what}` }]);
  const unclean = firstUncleanField(event, 'body');
  if (unclean) throw uncleanTextError(unclean);
  return event as Record<string, unknown>;
}
