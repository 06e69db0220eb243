// The demo customer's monitoring registration (issue 16, decision 0056): made on a demo shop's
// first start, after the demo sign-ins, by the services module, as the `demo.services` job.
import { usersOfSubjects } from '../accounts/index.ts';
import type { Db } from '../platform/db/database.ts';
import { type PrivacyKernel, systemActor } from '../privacy/index.ts';
import { seedDemoService } from '../services/index.ts';
import { demoLogins } from './logins.ts';

const DEMO_SERVICES = systemActor('demo.services');

export async function seedDemoServiceRegistration(kernel: PrivacyKernel, db: Db, publicUrl: string): Promise<boolean> {
  const subjects = await kernel.findSubjects(db, { category: 'user.contact.email', value: demoLogins.customer.email, actor: DEMO_SERVICES, purpose: 'account' });
  const customer = (await usersOfSubjects(db, subjects, 'customer'))[0];
  if (!customer) return false;
  return seedDemoService(kernel, db, { customer: customer.subject_id, actor: DEMO_SERVICES, publicUrl, now: new Date() });
}
