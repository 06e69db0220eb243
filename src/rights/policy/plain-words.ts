// The data map's terms in the words a customer reads: legal bases, recipient kinds, categories,
// subjects, dates and durations.
import type { RecipientKind, Category, LegalBasis } from '../../privacy/index.ts';
import { html, type SafeHtml } from '../../web/template.ts';

export const legalBasisWords: Record<LegalBasis, { heading: string; explanation: string }> = {
  contract: { heading: 'To do what you asked us to (contract)', explanation: 'We need this data to sell and deliver what you ordered, run your account or provide a service you signed up for.' },
  consent: { heading: 'Only with your consent', explanation: 'We do this only if you said yes, and stop when you withdraw your consent.' },
  legitimate_interest: {
    heading: 'For our legitimate interests',
    explanation: 'A reasonable need of the business that does not override your rights, such as preventing fraud or telling customers about our offers.',
  },
  legal_obligation: { heading: 'Because the law requires it (legal obligation)', explanation: 'The law obliges us to do this, for example to answer your data requests or a court order.' },
  vital_interest: { heading: 'To protect someone’s life (vital interest)', explanation: 'Only in an emergency, to protect your life or safety or someone else’s.' },
};

export const recipientKindWords: Record<RecipientKind, string> = {
  processor: 'A service provider that handles data on our behalf',
  carrier: 'A shipping carrier',
  vendor: 'The maker or publisher of a product you bought',
  'credit-agency': 'A credit reporting agency',
  'emergency-service': 'An emergency service',
  'law-enforcement': 'Law enforcement or a government agency',
  court: 'A court or a party to legal proceedings',
  'survey-intermediary': 'A company that runs surveys for us',
  acquirer: 'The buyer of the shop, if it is sold',
};

/** A short name for a category: its description's first phrase ("Card number", "Email address"). */
export function categoryLabel(category: Category): string {
  const firstSentence = category.description.split(/\.(?:\s|$)/)[0]!;
  const label = firstSentence.replace(/\s*\(.*$/, '').trim();
  return label || category.key;
}

/** "service-contact" → "service contact". */
export function subjectLabel(id: string): string {
  return id.replaceAll('-', ' ');
}

const months = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/** A policy date (a UTC day) as "1 January 2025", machine-readable too. */
export function dateTag(day: Date): SafeHtml {
  const words = `${day.getUTCDate()} ${months[day.getUTCMonth()]} ${day.getUTCFullYear()}`;
  return html`<time datetime="${day.toISOString().slice(0, 10)}">${words}</time>`;
}

const plural = (n: number, unit: string) => `${n.toLocaleString('en-US')} ${unit}${n === 1 ? '' : 's'}`;

/** A lifetime in milliseconds in the largest whole unit: "30 days", "12 hours", "30 minutes". */
export function durationInWords(ms: number): string {
  if (ms % 86_400_000 === 0) return plural(ms / 86_400_000, 'day');
  if (ms % 3_600_000 === 0) return plural(ms / 3_600_000, 'hour');
  return plural(Math.round(ms / 60_000), 'minute');
}

/** A retention period: "2,555 days (7 years)", "540 days". */
export function daysInWords(days: number): string {
  return days >= 365 && days % 365 === 0 ? `${plural(days, 'day')} (${plural(days / 365, 'year')})` : plural(days, 'day');
}

/** Category names as a wrapping list of tags. */
export function categoryTags(categories: readonly Category[]): SafeHtml {
  return html`<ul class="policy-tags">${categories.map((c) => html`<li>${categoryLabel(c)}</li>`)}</ul>`;
}
