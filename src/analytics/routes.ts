// The analytics module's routes: the recording hook at the root (every module's responses), and the
// staff report page, encapsulated.
import type { FastifyPluginAsync } from 'fastify';
import { validationError } from '../platform/errors.ts';
import type { StaffRole } from '../privacy/index.ts';
import { sendPage } from '../web/page.ts';
import { dayOf } from './events.ts';
import { analyticsPage } from './pages.ts';
import { analyticsHook } from './record.ts';
import { report } from './report.ts';

/** Who may read the report: the owner and marketing (counts only, no personal data). */
export const REPORT_ROLES: readonly StaffRole[] = ['owner', 'marketing'];
export const DEFAULT_DAYS = 30;
const MAX_DAYS = 366;
const dayField = { type: 'string', maxLength: 10, pattern: '^(\\d{4}-\\d{2}-\\d{2})?$' } as const;

/** A YYYY-MM-DD that is a real day, or a 400 naming the field. */
function realDay(field: string, value: string): string {
  const d = new Date(`${value}T00:00:00Z`);
  if (Number.isNaN(d.getTime()) || dayOf(d) !== value) throw validationError(field, 'must be a date, YYYY-MM-DD');
  return value;
}

const reportPage: FastifyPluginAsync = async (app) => {
  app.get<{ Querystring: { from?: string; to?: string } }>(
    '/staff/analytics',
    { schema: { hide: true, querystring: { type: 'object', additionalProperties: false, properties: { from: dayField, to: dayField } } } },
    async (request, reply) => {
      const session = await app.accounts.staffPage(request, reply, { roles: [...REPORT_ROLES] });
      if (!session) return reply;
      const today = dayOf(new Date());
      const to = request.query.to ? realDay('to', request.query.to) : today;
      const from = request.query.from ? realDay('from', request.query.from) : dayOf(new Date(new Date(`${to}T00:00:00Z`).getTime() - (DEFAULT_DAYS - 1) * 86_400_000));
      if (from > to) throw validationError('from', 'must be on or before the end of the range');
      if ((Date.parse(to) - Date.parse(from)) / 86_400_000 >= MAX_DAYS) throw validationError('from', `must be at most ${MAX_DAYS} days before the end of the range`);
      // Counts that tolerate a little lag: from the read replica when there is one (decision 0068).
      return sendPage(request, reply, analyticsPage(await report(app.database.reader, from, to, app.config.analyticsMinCount)));
    },
  );
};

export const analyticsRoutes: FastifyPluginAsync = async (app) => {
  await app.register(analyticsHook);
  await app.register(reportPage);
};
(analyticsRoutes as unknown as Record<symbol, boolean>)[Symbol.for('skip-override')] = true;
