// The demo shop's testimonials and customer list (decision 0060): two made-up customers quoted with
// their first name or initial, and one made-up company listed with a logo drawn in code. Each is a
// subject of its own whose consent is recorded as its own on the web, as the form does; loaded once,
// on a demo shop's first start, after the kernel is up.
import { addDrawing, type MediaStorage } from '../media/index.ts';
import type { Db } from '../platform/db/database.ts';
import { type PrivacyKernel, selfActor, systemActor } from '../privacy/index.ts';
import { addPublishedDemoEntry, COMPANY, FIRST_NAME, hasEntries, TESTIMONIALS_PURPOSE, WORDS } from '../testimonials/index.ts';

const quotes = [
  { words: 'The laptop arrived the next morning, and the licence key was in my inbox before I had unpacked it.', name: 'Maren', shownAs: 'first-name' as const },
  { words: 'Support answered my router question the same afternoon, without trying to sell me anything.', name: 'T.', shownAs: 'initial' as const },
];
const company = 'Saltmarsh Cold Storage';

const logoSvg = Buffer.from(
  `<svg xmlns="http://www.w3.org/2000/svg" width="480" height="160" viewBox="0 0 480 160"><rect width="480" height="160" rx="16" fill="#e3eef8"/><path d="M40 110l40-60 40 60z" fill="#1f5fa8"/><path d="M90 110l30-40 30 40z" fill="#5b8fc9"/><text x="175" y="95" font-family="sans-serif" font-size="34" font-weight="700" fill="#1d2430">Saltmarsh</text></svg>`,
);

/** Loads the demo entries unless the shop has any; returns how many it made. */
export async function seedDemoTestimonials(kernel: PrivacyKernel, db: Db, options: { media?: MediaStorage } = {}): Promise<number> {
  return db.transaction().execute(async (trx) => {
    if (await hasEntries(trx)) return 0;
    const actor = systemActor('demo.testimonials');
    const now = new Date();
    const person = () => kernel.createSubject(trx, { kind: 'customer', actor, purpose: TESTIMONIALS_PURPOSE });
    for (const q of quotes) {
      const subject = await person();
      await addPublishedDemoEntry(kernel, trx, { kind: 'quote', subject, actor: selfActor(subject), values: { [WORDS]: q.words, [FIRST_NAME]: q.name }, shownAs: q.shownAs, logo: null, now });
    }
    const contact = await person();
    const logo = options.media ? (await addDrawing(trx, options.media, logoSvg, { width: 480, height: 160 })).id : null;
    await addPublishedDemoEntry(kernel, trx, { kind: 'company', subject: contact, actor: selfActor(contact), values: { [COMPANY]: company }, shownAs: null, logo, now });
    return quotes.length + 1;
  });
}
