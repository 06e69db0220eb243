// The navigation of each audience. The layout names no module: these are paths, and the staff
// links follow the roles the pages themselves enforce (a link a role cannot open is not shown).
import type { Audience } from './layout.ts';

export interface NavLink {
  href: string;
  label: string;
}

const staffLinks: readonly (NavLink & { roles?: readonly string[] })[] = [
  { href: '/staff', label: 'Console' },
  { href: '/staff/orders', label: 'Orders', roles: ['owner', 'fulfilment', 'support'] },
  { href: '/staff/catalogue', label: 'Catalogue', roles: ['owner', 'fulfilment', 'support', 'marketing'] },
  { href: '/staff/customers', label: 'Customers' },
  { href: '/staff/requests', label: 'Requests', roles: ['dpo', 'support'] },
  { href: '/staff/consents', label: 'Consents', roles: ['owner', 'support', 'dpo'] },
  { href: '/staff/mailing', label: 'Mailing', roles: ['owner', 'marketing', 'support'] },
  { href: '/staff/testimonials', label: 'Testimonials', roles: ['owner', 'marketing'] },
  { href: '/staff/quotes', label: 'Quotes', roles: ['owner', 'support'] },
  { href: '/staff/surveys', label: 'Surveys', roles: ['owner', 'marketing'] },
  { href: '/staff/support', label: 'Support', roles: ['owner', 'support'] },
  { href: '/staff/services', label: 'Services', roles: ['owner', 'support'] },
  { href: '/staff/subscriptions', label: 'Subscriptions', roles: ['owner', 'support', 'accountant'] },
  { href: '/staff/credit', label: 'Credit checks', roles: ['owner', 'accountant'] },
  { href: '/staff/telecom', label: 'Phone lines', roles: ['owner', 'support', 'accountant', 'dpo'] },
  { href: '/staff/disclosures', label: 'Legal disclosures', roles: ['owner', 'dpo'] },
  { href: '/staff/risk-rules', label: 'Risk rules', roles: ['owner'] },
  { href: '/staff/dpo/identity', label: 'Identity checks', roles: ['dpo'] },
  { href: '/staff/dpo', label: 'Privacy desk', roles: ['dpo'] },
  { href: '/staff/users', label: 'Staff', roles: ['owner'] },
  { href: '/staff/vendor-users', label: 'Vendor users', roles: ['owner'] },
  { href: '/staff/vendors', label: 'Vendor access', roles: ['owner', 'dpo'] },
  { href: '/staff/pages', label: 'Shop pages', roles: ['owner'] },
  { href: '/staff/transfer', label: 'Sale of the shop', roles: ['owner', 'dpo'] },
  { href: '/staff/brand', label: 'Logo and colours', roles: ['owner'] },
  { href: '/staff/api-tokens', label: 'API tokens' },
  { href: '/staff/security', label: 'Security check', roles: ['owner', 'dpo'] },
  { href: '/staff/analytics', label: 'Site use', roles: ['owner', 'marketing'] },
  { href: '/staff/backups', label: 'Backups', roles: ['owner'] },
];

const dpoLinks: readonly NavLink[] = [
  { href: '/staff/dpo', label: 'Privacy desk' },
  { href: '/staff/requests', label: 'Requests' },
  { href: '/staff/dpo/complaints', label: 'Complaints' },
  { href: '/staff/dpo/notices', label: 'Notices' },
  { href: '/staff/disclosures', label: 'Legal disclosures' },
  { href: '/staff/dpo/recipients', label: 'Order recipients' },
  { href: '/staff/dpo/identity', label: 'Identity checks' },
  { href: '/staff/consents', label: 'Consents' },
  { href: '/staff/dpo/report', label: 'Promise report' },
  { href: '/staff/dpo/datamap', label: 'Data map' },
  { href: '/staff/dpo/retention', label: 'Retention' },
  { href: '/staff/vendors', label: 'Vendor access' },
  { href: '/staff/security', label: 'Security check' },
  { href: '/staff', label: 'Console' },
];

const accountLinks: readonly NavLink[] = [
  { href: '/account', label: 'Your account' },
  { href: '/account/orders', label: 'Orders' },
  { href: '/account/subscriptions', label: 'Subscriptions' },
  { href: '/account/baskets', label: 'Baskets' },
  { href: '/account/lists', label: 'Gift lists' },
  { href: '/account/testimonials', label: 'Testimonials' },
  { href: '/account/support', label: 'Support' },
  { href: '/account/services', label: 'Services' },
  { href: '/account/telecom', label: 'Phone lines' },
  { href: '/account/privacy', label: 'Privacy centre' },
  { href: '/', label: 'Back to the shop' },
];

const vendorLinks: readonly NavLink[] = [
  { href: '/vendor', label: 'Vendor portal' },
  { href: '/vendor/orders', label: 'Orders' },
  { href: '/vendor/stock', label: 'Stock' },
  { href: '/vendor/sales', label: 'Sales' },
  { href: '/vendor/licence-keys', label: 'Licence keys' },
  { href: '/vendor/downloads', label: 'Downloads' },
  { href: '/vendor/terms', label: 'Data-use terms' },
  { href: '/', label: 'Back to the shop' },
];

const storefrontLinks: readonly NavLink[] = [
  { href: '/catalogue', label: 'Catalogue' },
  { href: '/cart', label: 'Cart' },
  { href: '/account', label: 'Account' },
];

/** The links of an audience; staff links only for a known role (none before sign-in). */
export function navLinks(audience: Audience, staffRole?: string): readonly NavLink[] {
  switch (audience) {
    case 'storefront':
      return storefrontLinks;
    case 'account':
      return accountLinks;
    case 'vendor':
      return vendorLinks;
    case 'dpo':
      return dpoLinks;
    case 'staff':
      return staffRole ? staffLinks.filter((l) => !l.roles || l.roles.includes(staffRole)) : [];
  }
}

/** The link of `links` that the path is on: the longest href that is the path or a folder of it. */
export function currentHref(links: readonly NavLink[], path: string): string | undefined {
  let best: string | undefined;
  for (const { href } of links) {
    const on = href === '/' ? path === '/' : path === href || path.startsWith(`${href}/`);
    if (on && (!best || href.length > best.length)) best = href;
  }
  return best;
}

/** The audience of a path, for pages sent without one (error pages). */
export function audienceOfPath(path: string): Audience {
  if (path === '/staff/dpo' || path.startsWith('/staff/dpo/')) return 'dpo';
  if (path === '/staff' || path.startsWith('/staff/')) return 'staff';
  if (path === '/vendor' || path.startsWith('/vendor/')) return 'vendor';
  if (path === '/account' || path.startsWith('/account/')) return 'account';
  return 'storefront';
}
