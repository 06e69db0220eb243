// Opt-out preference signals (P000-19): a browser's Global Privacy Control (`Sec-GPC: 1`) or
// Do-Not-Track (`DNT: 1`) header, sent by a signed-in person, withdraws the purposes it covers.
// Which purposes: those a person may refuse (consent or opt-out basis) whose fideslang data use is
// a sale or share, targeted advertising or profiling, the uses the US state laws that make GPC
// binding name (decision 0051). Written once: a purpose already withdrawn is left alone, and so is
// one the person turned back on themself after the signal withdrew it (their own later choice wins).
import { sql } from 'kysely';
import type { Db } from '../../platform/db/database.ts';
import { validationError } from '../../platform/errors.ts';
import type { Actor } from '../actors.ts';
import { refuse } from '../access/refuse.ts';
import type { KernelContext } from '../context.ts';
import type { DataMap } from '../datamap/types.ts';
import { appendConsent } from './ledger.ts';

export const optOutSignals = ['gpc', 'dnt'] as const;
export type OptOutSignal = (typeof optOutSignals)[number];

/** fideslang data uses an opt-out preference signal covers (and everything below them). */
const SIGNAL_USES = ['third_party_sharing', 'marketing.advertising.third_party', 'marketing.advertising.first_party.targeted', 'personalize.content.profiled', 'analytics'];

const under = (use: string, key: string) => use === key || use.startsWith(`${key}.`);

/** The data map's purposes a person's opt-out signal withdraws, in data map order. */
export function signalPurposes(map: DataMap): string[] {
  return [...map.purposes.values()].filter((p) => p.dataSubjects.has('customer') && (p.legalBasis === 'consent' || p.optOut) && SIGNAL_USES.some((k) => under(p.dataUse, k))).map((p) => p.id);
}

export interface SignalRequest {
  subject: string;
  signal: OptOutSignal;
  /** The person themself: the signal comes from their own signed-in browser. */
  actor: Actor;
}

/** Records a withdrawal (channel: the signal) for each covered purpose still on; returns the purposes withdrawn now (none on a repeat). */
export async function honourSignal(ctx: KernelContext, db: Db, request: SignalRequest): Promise<string[]> {
  const { subject, signal, actor } = request;
  if (!(optOutSignals as readonly string[]).includes(signal)) throw validationError('signal', `must be one of ${optOutSignals.join(', ')}`);
  const base = { actor, action: 'consent.withdraw' as const, subjectId: subject, purpose: null, detail: { channel: signal } };
  if (actor.kind !== 'self' || actor.subjectId !== subject) return refuse(ctx, db, base, 'not-own-data', "A browser's opt-out signal speaks only for the signed-in person.");
  const purposes = signalPurposes(ctx.map);
  if (purposes.length === 0) return [];
  const { rows } = await sql<{ purpose: string; last_action: string; signalled: boolean }>`
    select purpose, (array_agg(action order by id desc))[1] as last_action, bool_or(action = 'withdraw' and channel = ${signal}) as signalled
    from privacy_consents
    where subject_id = ${subject}::uuid and recipient = '' and purpose in (${sql.join(purposes)})
    group by purpose`.execute(db);
  const latest = new Map(rows.map((r) => [r.purpose, r]));
  const due = purposes.filter((id) => {
    const row = latest.get(id);
    if (!row) return ctx.map.purposes.get(id)!.optOut; // an opt-out purpose is on until withdrawn; a consent one is off until given
    return row.last_action === 'grant' && !row.signalled;
  });
  for (const purpose of due) {
    await appendConsent(
      ctx,
      db,
      { subject, purpose, action: 'withdraw', channel: signal, actor, recipient: '', evidence: signal === 'gpc' ? 'Sec-GPC: 1' : 'DNT: 1' },
      { ...base, purpose, detail: { channel: signal, recipient: '' } },
    );
  }
  return due;
}
