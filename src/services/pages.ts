// The services module's pages: the customer's services, the registration form, one service's
// page (site, contacts, device key, event timeline), the removal page of a contact's mail link,
// and the staff console's registrations. Forms work without JavaScript.
import { errorSummary, form, input, select, type FormState } from '../web/form.ts';
import type { Page } from '../web/page.ts';
import { pagination } from '../web/pagination.ts';
import { table } from '../web/table.ts';
import { html, type SafeHtml } from '../web/template.ts';
import type { ContactView, EventRow, RegistrationRow, ServiceProduct, Site } from './registrations.ts';
import { equipmentOf, referenceOf } from './registrations.ts';

const timeOf = (d: Date | null) => (d ? `${new Date(d).toISOString().slice(0, 16).replace('T', ' ')} UTC` : '—');
const dayOf = (d: Date | null) => (d ? new Date(d).toISOString().slice(0, 10) : '—');

const registrationLabels = {
  product: 'Service',
  site: 'Site name',
  address: 'Site address or location',
  model: 'Equipment model',
  serial: 'Serial number',
  sensors: 'Number of sensors',
  contact_name: 'Contact’s name',
  contact_email: 'Contact’s email',
  contact_phone: 'Contact’s phone',
};

const contactLabels = { name: 'Name', email: 'Email', phone: 'Phone' };

export function servicesPage(registrations: readonly RegistrationRow[]): Page {
  return {
    audience: 'account',
    title: 'Your services',
    body: html`<h1>Your services</h1>
<p>Register a monitoring service you bought: we use the site and equipment to recognise you, support you and deliver the service. The contacts you name receive its reports and alerts.</p>
<p><a class="button" href="/account/services/new">Register a service</a></p>
${table({
  caption: 'Registered services',
  columns: [{ label: 'Reference' }, { label: 'Service' }, { label: 'Equipment' }, { label: 'Registered' }],
  rows: registrations.map((r) => [html`<a href="/account/services/${r.id}">${referenceOf(r.id)}</a>`, r.service_name, equipmentOf(r), dayOf(r.created_at)]),
  empty: 'You have registered no service yet.',
})}`,
  };
}

export function newServicePage(state: FormState, products: readonly ServiceProduct[]): Page {
  return {
    audience: 'account',
    title: 'Register a service',
    body: html`<div class="account-form"><h1>Register a service</h1>
<p>We use the site and equipment only to recognise you, support you and deliver the service (<a href="/privacy">privacy policy</a>). The site’s name and address are kept with your account data, which you can see, download and delete in your <a href="/account/privacy">privacy centre</a>.</p>
${errorSummary(state, registrationLabels)}
${form(
  { action: '/account/services/new', csrf: state.csrf, novalidate: true },
  html`${select(state, { name: 'product', label: registrationLabels.product, choices: [{ value: '', label: 'Choose a service' }, ...products.map((p) => ({ value: p.id, label: p.name }))] })}
${input(state, { name: 'site', label: registrationLabels.site, maxlength: 200, hint: 'How you call the place, e.g. North substation.' })}
${input(state, { name: 'address', label: registrationLabels.address, maxlength: 500, autocomplete: 'street-address' })}
${input(state, { name: 'model', label: registrationLabels.model, maxlength: 100 })}
${input(state, { name: 'serial', label: registrationLabels.serial, maxlength: 100 })}
${input(state, { name: 'sensors', label: registrationLabels.sensors, maxlength: 5, hint: 'A whole number, e.g. 24.' })}
<h2>A contact for reports and alerts</h2>
<p>Optional: you can add contacts later. We mail them that you added them, and every mail to them has a link that removes them at once. Their details are theirs: we use them only for this service and never share them.</p>
${input(state, { name: 'contact_name', label: registrationLabels.contact_name, maxlength: 200, required: false, autocomplete: 'off' })}
${input(state, { name: 'contact_email', label: registrationLabels.contact_email, type: 'email', maxlength: 254, required: false, autocomplete: 'off' })}
${input(state, { name: 'contact_phone', label: registrationLabels.contact_phone, type: 'tel', maxlength: 30, required: false, autocomplete: 'off' })}
<p><button type="submit">Register</button></p>`,
)}</div>`,
  };
}

const editLabels = { site: registrationLabels.site, address: registrationLabels.address, model: registrationLabels.model, serial: registrationLabels.serial, sensors: registrationLabels.sensors };

/** The site and equipment of a registration, to correct (the service itself is what was bought: not changed here). */
export function editServicePage(r: RegistrationRow, state: FormState): Page {
  const base = `/account/services/${r.id}`;
  return {
    audience: 'account',
    title: `Change service ${referenceOf(r.id)}`,
    body: html`<div class="account-form"><h1>Change service ${referenceOf(r.id)}</h1>
<p>${r.service_name}. Correct the site or the equipment; the site’s name and address are kept with your account data.</p>
${errorSummary(state, editLabels)}
${form(
  { action: `${base}/edit`, csrf: state.csrf, novalidate: true },
  html`${input(state, { name: 'site', label: editLabels.site, maxlength: 200 })}
${input(state, { name: 'address', label: editLabels.address, maxlength: 500, autocomplete: 'street-address' })}
${input(state, { name: 'model', label: editLabels.model, maxlength: 100 })}
${input(state, { name: 'serial', label: editLabels.serial, maxlength: 100 })}
${input(state, { name: 'sensors', label: editLabels.sensors, maxlength: 5, hint: 'A whole number, e.g. 24.' })}
<p><button type="submit">Save</button> <a href="${base}">Cancel</a></p>`,
)}</div>`,
  };
}

function keyNotice(publicUrl: string, deviceId: string, key: string): SafeHtml {
  return html`<div class="notice">
<p><strong>Your device key, shown this once.</strong> Put it in the device’s settings now: we keep only a fingerprint of it and cannot show it again (you can replace it with a new one).</p>
<p>Device id: <code>${deviceId}</code></p>
<p>Key: <code>${key}</code></p>
<p>The device posts its events to <code>${publicUrl.replace(/\/$/, '')}/api/services/devices/${deviceId}/events</code> with the header <code>Authorization: Bearer</code> and the key.</p>
</div>`;
}

export interface ServiceView {
  registration: RegistrationRow;
  site: Site | null;
  contacts: readonly ContactView[];
  events: { items: readonly EventRow[]; page: number; pageCount: number; total: number };
  state: FormState;
  publicUrl: string;
  /** A key just made (registration or rotation): shown once. */
  newKey?: { deviceId: string; key: string };
}

function facts(r: RegistrationRow, site: Site | null): SafeHtml {
  return html`<dl class="facts">
<dt>Service</dt><dd>${r.service_name}</dd>
<dt>Site</dt><dd>${site ? site.site : '—'}</dd>
<dt>Address or location</dt><dd>${site ? site.address : '—'}</dd>
<dt>Equipment</dt><dd>${r.equipment_model}</dd>
<dt>Serial number</dt><dd>${r.equipment_serial}</dd>
<dt>Sensors</dt><dd>${r.sensors}</dd>
<dt>Registered</dt><dd>${timeOf(r.created_at)}</dd>
</dl>`;
}

function contactState(c: ContactView): string {
  if (!c.left_at) return `Added ${dayOf(c.added_at)}`;
  const how = c.left_how === 'self' ? 'removed themselves with the link in our mail' : c.left_how === 'customer' ? 'you removed them' : 'their data was erased';
  return `Left ${dayOf(c.left_at)}: ${how}`;
}

function timeline(base: string, events: ServiceView['events']): SafeHtml {
  return html`${table({
    caption: `Events (${events.total})`,
    columns: [{ label: 'When' }, { label: 'Severity' }, { label: 'Event' }, { label: 'Reading', numeric: true }],
    rows: events.items.map((e) => [timeOf(e.occurred_at), e.severity, e.type, e.reading === null ? '—' : `${e.reading}${e.unit ? ` ${e.unit}` : ''}`]),
    empty: 'No event yet: they appear here as the device reports them.',
  })}
${pagination({ page: events.page, pageCount: events.pageCount, href: (n) => `${base}?page=${n}#events` })}`;
}

export function servicePage(v: ServiceView): Page {
  const r = v.registration;
  const base = `/account/services/${r.id}`;
  const current = v.contacts.filter((c) => !c.left_at);
  return {
    audience: 'account',
    title: `Service ${referenceOf(r.id)}`,
    body: html`<h1>Service ${referenceOf(r.id)}</h1>
${v.newKey ? keyNotice(v.publicUrl, v.newKey.deviceId, v.newKey.key) : ''}
${facts(r, v.site)}
<p><a href="${base}/edit">Change the site or equipment</a></p>
<h2 id="contacts">Contacts</h2>
<p>They receive a weekly monitoring report and every alert by mail, each with a link that removes them at once. We never share their details.</p>
${table({
  caption: 'Contacts',
  hideCaption: true,
  columns: [{ label: 'Name' }, { label: 'Email' }, { label: 'Phone' }, { label: 'State' }, { label: 'Remove', hideLabel: true }],
  rows: v.contacts.map((c) => [
    c.name ?? 'A former contact',
    c.email ?? '—',
    c.phone ?? '—',
    contactState(c),
    c.left_at
      ? ''
      : form({ action: `${base}/contacts/${c.id}/remove`, csrf: v.state.csrf, className: 'inline-form' }, html`<button type="submit" class="secondary">Remove ${c.name ?? 'contact'}</button>`),
  ]),
  empty: 'No contact yet.',
})}
<h3>Add a contact</h3>
${errorSummary(v.state, contactLabels)}
${form(
  { action: `${base}/contacts`, csrf: v.state.csrf, novalidate: true, className: 'account-form' },
  html`${input(v.state, { name: 'name', label: contactLabels.name, maxlength: 200, autocomplete: 'off' })}
${input(v.state, { name: 'email', label: contactLabels.email, type: 'email', maxlength: 254, autocomplete: 'off' })}
${input(v.state, { name: 'phone', label: `${contactLabels.phone} (optional)`, type: 'tel', maxlength: 30, required: false, autocomplete: 'off' })}
<p><button type="submit">Add contact</button></p>`,
)}
<p class="meta">${current.length} current contact${current.length === 1 ? '' : 's'}.</p>
<h2 id="device">Device</h2>
<p>Device id <code>${r.device_id ?? '—'}</code>; its key was set ${timeOf(r.key_set_at)}. A new key replaces the old one at once.</p>
${form({ action: `${base}/key`, csrf: v.state.csrf }, html`<p><button type="submit" class="secondary">Make a new device key</button></p>`)}
<h2 id="events">Timeline</h2>
${timeline(base, v.events)}
<h2 id="end">End this service</h2>
<p>Its device key stops working, its events are deleted, every contact is removed and their details erased, and the site’s name and address are deleted from your data.</p>
${form({ action: `${base}/end`, csrf: v.state.csrf }, html`<p><button type="submit" class="danger">End service ${referenceOf(r.id)}</button></p>`)}
<p><a href="/account/services">All your services</a></p>`,
  };
}

export function leavePage(token: string, csrf: string): Page {
  return {
    audience: 'storefront',
    title: 'Stop being a monitoring contact',
    body: html`<h1>Stop being a monitoring contact</h1>
<p>Press the button and you stop receiving this service’s reports and alerts at once, and we erase your name, email and phone. No sign-in is needed. The customer who named you sees that you left, nothing more.</p>
${form({ action: `/services/leave/${token}`, csrf }, html`<p><button type="submit">Remove me and erase my details</button></p>`)}`,
  };
}

export function leftPage(): Page {
  return {
    audience: 'storefront',
    title: 'You are no longer a contact',
    body: html`<h1>You are no longer a contact</h1>
<p>We send you no more reports or alerts for this service, and your name, email and phone are erased. A mail already on its way is stopped before it is sent.</p>
<p><a href="/">Back to the shop</a></p>`,
  };
}

export function staffServicesPage(registrations: readonly RegistrationRow[]): Page {
  return {
    audience: 'staff',
    title: 'Service registrations',
    body: html`<h1>Service registrations</h1>
<p>Registered monitoring services, to recognise the customer and support them. Opening one reads the site and contacts, and is logged.</p>
${table({
  caption: 'Latest registrations',
  columns: [{ label: 'Reference' }, { label: 'Service' }, { label: 'Equipment' }, { label: 'Registered' }],
  rows: registrations.map((r) => [html`<a href="/staff/services/${r.id}">${referenceOf(r.id)}</a>`, r.service_name, equipmentOf(r), dayOf(r.created_at)]),
  empty: 'No service is registered yet.',
})}`,
  };
}

export function staffServicePage(r: RegistrationRow, site: Site | null, contacts: readonly ContactView[], events: ServiceView['events']): Page {
  return {
    audience: 'staff',
    title: `Service ${referenceOf(r.id)}`,
    body: html`<h1>Service ${referenceOf(r.id)}</h1>
${facts(r, site)}
<h2>Contacts</h2>
${table({
  caption: 'Contacts',
  hideCaption: true,
  columns: [{ label: 'Name' }, { label: 'Email' }, { label: 'Phone' }, { label: 'State' }],
  rows: contacts.map((c) => [c.name ?? 'A former contact', c.email ?? '—', c.phone ?? '—', contactState(c)]),
  empty: 'No contact.',
})}
<h2 id="events">Timeline</h2>
${timeline(`/staff/services/${r.id}`, events)}
<p><a href="/staff/services">All registrations</a></p>`,
  };
}
