// Check 6: staff accounts without a second factor, and staff passwords older than
// STAFF_PASSWORD_MAX_AGE_DAYS. Read through the accounts module's entry; members are named by role
// and the start of their id, never by name or email.
import { staffPosture } from '../../accounts/index.ts';
import type { Check, Finding } from '../findings.ts';

const ID = 'staff';
const DAY = 86_400_000;

export const staffCheck: Check = {
  id: ID,
  title: 'Staff without a second factor, and stale staff passwords',
  async run(ctx) {
    const staff = await staffPosture(await ctx.kernel(), ctx.db);
    const label = (s: { role: string; id: string }) => `${s.role} ${s.id.slice(0, 8)}`;
    const out: Finding[] = [];
    const without = staff.filter((s) => !s.secondFactor);
    if (without.length)
      out.push({
        check: ID,
        severity: 'high',
        title: 'Staff without a second factor',
        detail: `${without.length} active staff member(s) have not set up a second factor: ${without.map(label).join(', ')}.`,
        fix: 'Ask them to sign in and set up the authenticator app, or disable the account at /staff/users.',
      });
    const maxDays = ctx.config.staffPasswordMaxAgeDays;
    const stale = staff.filter((s) => ctx.now.getTime() - new Date(s.passwordChangedAt).getTime() > maxDays * DAY);
    if (stale.length)
      out.push({
        check: ID,
        severity: 'medium',
        title: 'Stale staff passwords',
        detail: `${stale.length} staff password(s) are older than ${maxDays} days (STAFF_PASSWORD_MAX_AGE_DAYS): ${stale.map(label).join(', ')}.`,
        fix: 'They must change it at their next sign-in; disable accounts no longer used.',
      });
    return out;
  },
};
