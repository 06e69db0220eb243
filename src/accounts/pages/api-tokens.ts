// The staff member's own API tokens: the list (role, made, expires, last used, revoked) with a
// revoke button each, and the form that makes one (role, days, a fresh second-factor code). A new
// token is shown once, on the page that answers the form.
import { type PageSlice, pagination } from '../../web/pagination.ts';
import { table } from '../../web/table.ts';
import { html } from '../../web/template.ts';
import { confirmDialog } from '../../web/confirm.ts';
import type { StaffRole } from '../../privacy/index.ts';
import type { Page } from './customer.ts';
import { form, errorSummary, input, type FormState } from '../../web/form.ts';
import { API_TOKEN_MAX_DAYS, type ApiTokenListing } from '../api-tokens.ts';

const labels = { role: 'Role', days: 'Days', code: 'Code' };
const day = (d: Date | null) => (d ? d.toISOString().slice(0, 10) : '—');

export function apiTokensPage(o: { tokens: PageSlice<ApiTokenListing>; roles: readonly StaffRole[]; state: FormState; made?: string; notice?: string; now: Date }): Page {
  const role = o.state.values?.role ?? o.roles[0] ?? '';
  return {
    audience: 'staff',
    title: 'Your API tokens',
    body: html`<section class="console"><h1>Your API tokens</h1>
<p>A token lets a program use the staff JSON API as you, in the role you give it, until it expires or you revoke it. Every look at a person's data through it is recorded under your name.</p>
${o.made ? html`<div class="notice" role="status"><p>Your new token (copy it now; it is not shown again):</p><p><code id="new-token">${o.made}</code></p><p>Send it as <code>Authorization: Bearer …</code>.</p></div>` : ''}
${o.notice ? html`<p class="notice" role="status">${o.notice}</p>` : ''}
${table({
  caption: 'Your tokens',
  columns: [{ label: 'Token' }, { label: 'Role' }, { label: 'Made' }, { label: 'Expires' }, { label: 'Last used' }, { label: 'State' }, { label: 'Revoke', hideLabel: true }],
  rows: o.tokens.items.map((t) => {
    const state = t.revokedAt ? 'revoked' : t.expiresAt <= o.now ? 'expired' : 'active';
    return [
      t.id.slice(0, 8),
      t.role,
      day(t.createdAt),
      day(t.expiresAt),
      day(t.lastUsedAt),
      state,
      state === 'active' ? form({ action: `/staff/api-tokens/${t.id}/revoke`, csrf: o.state.csrf }, html`<button type="submit">Revoke</button>`) : '',
    ];
  }),
  empty: 'You have no tokens.',
})}
${pagination({ page: o.tokens.page, pageCount: o.tokens.pageCount, href: (n) => `/staff/api-tokens?page=${n}` })}
<h2>Make a token</h2>
<p>Enter a fresh code from your authenticator app: making a token needs your second factor again.</p>
${errorSummary(o.state, labels)}
${form(
  { action: '/staff/api-tokens', csrf: o.state.csrf },
  html`

<p class="field"><label for="f-role">Role</label>
<select id="f-role" name="role">${o.roles.map((r) => html`<option value="${r}"${r === role ? html` selected` : ''}>${r}</option>`)}</select>
${o.state.errors?.role ? html`<span class="error" id="f-role-error">${o.state.errors.role}</span>` : ''}</p>
${input(o.state, { name: 'days', label: `${labels.days} (1 to ${API_TOKEN_MAX_DAYS})`, maxlength: 2 })}
${input(o.state, { name: 'code', label: labels.code, autocomplete: 'one-time-code', maxlength: 20 })}
<p><button type="submit">Make token</button></p>
`,
)}
<p><a href="/staff">Back to the console</a></p></section>`,
  };
}

/** Asked before a token is revoked: a program using it stops working at once, for good. */
export function confirmRevokePage(id: string, csrf: string): Page {
  return confirmDialog({
    audience: 'staff',
    title: `Revoke token ${id.slice(0, 8)}?`,
    consequence: 'Any program using this token is refused from now on. A revoked token cannot be turned back on; you would make a new one.',
    action: `/staff/api-tokens/${id}/revoke`,
    csrf,
    confirmLabel: 'Revoke the token',
    cancelHref: '/staff/api-tokens',
    danger: true,
  });
}
