// The demo shop's survey (DEMO_DATA, on the first start): a draft with one question of each kind,
// run by the shop itself, for the owner to open.
import type { Db } from '../platform/db/database.ts';
import type { DataMap } from '../privacy/index.ts';
import { addQuestion, createSurvey, surveyOf } from './surveys.ts';

export async function seedDemoSurvey(db: Db, map: DataMap, now: Date): Promise<string> {
  return db.transaction().execute(async (trx) => {
    const id = await createSurvey(trx, map, { title: 'How is our service?', intro: 'Three short questions to help us improve.', recipient: '', shared: 'none' }, 'system:demo', now);
    const s = await surveyOf(trx, id);
    await addQuestion(trx, s, { kind: 'rating', prompt: 'How satisfied are you with our service?', choices: '', shared: 'no' });
    await addQuestion(trx, s, { kind: 'choice', prompt: 'How did you hear about us?', choices: 'A search engine\nA colleague\nA trade show\nOther', shared: 'no' });
    await addQuestion(trx, s, { kind: 'text', prompt: 'What should we do better?', choices: '', shared: 'no' });
    return id;
  });
}
