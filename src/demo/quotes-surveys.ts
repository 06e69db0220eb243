// The demo shop's quote case and survey (issue 16), made on its first start through the modules'
// own commands: a request for a battery-monitoring system with a free-text quote line and a
// follow-up date, and a draft survey with one question of each kind.
import type { Db } from '../platform/db/database.ts';
import type { PrivacyKernel } from '../privacy/index.ts';
import { seedDemoQuote } from '../quotes/index.ts';
import { seedDemoSurvey } from '../surveys/index.ts';

export async function seedDemoQuotesAndSurveys(db: Db, kernel: PrivacyKernel, o: { publicUrl: string; currency: string }): Promise<{ quote: number; survey: string }> {
  const now = new Date();
  return { quote: await seedDemoQuote(kernel, db, { ...o, now }), survey: await seedDemoSurvey(db, kernel.map, now) };
}
