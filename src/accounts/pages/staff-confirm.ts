// Asked before an owner disables a staff member: their sessions and API tokens stop at once.
import { confirmDialog } from '../../web/confirm.ts';
import type { Page } from '../../web/page.ts';
import type { StaffListing } from '../staff.ts';

export function confirmDisablePage(member: StaffListing, role: string, csrf: string): Page {
  return confirmDialog({
    audience: 'staff',
    title: `Disable ${member.name}?`,
    consequence: `${member.name} is signed out everywhere at once and can no longer sign in or use an API token, until an owner sets them active again.`,
    action: `/staff/users/${member.id}`,
    csrf,
    fields: { role, status: 'disabled' },
    confirmLabel: 'Disable them',
    cancelHref: '/staff/users',
    danger: true,
  });
}
