// Every CLI command, by subject. A module adds its commands as one file under src/cli/commands/
// and one line here; `custodian help` lists them in this order.
import type { CliCommand } from './command.ts';
import { categoryCommands } from './commands/category.ts';
import { helpCommands } from './commands/help.ts';
import { jobsCommands } from './commands/jobs.ts';
import { migrateCommands } from './commands/migrate.ts';
import { privacyCommands } from './commands/privacy.ts';
import { staffCommands } from './commands/staff.ts';
import { subjectCommands } from './commands/subject.ts';
import { subscriptionsCommands } from './commands/subscriptions.ts';
import { selfcheckCommands } from './commands/selfcheck.ts';
import { productCommands } from './commands/product.ts';
import { variantCommands } from './commands/variant.ts';
import { vendorCommands } from './commands/vendor.ts';
import { backupsCommands } from './commands/backups.ts';
import { databaseCommands } from './commands/database.ts';

export const cliCommands: readonly CliCommand[] = [
  ...migrateCommands,
  ...vendorCommands,
  ...categoryCommands,
  ...productCommands,
  ...variantCommands,
  ...privacyCommands,
  ...subjectCommands,
  ...staffCommands,
  ...jobsCommands,
  ...subscriptionsCommands,
  ...selfcheckCommands,
  ...backupsCommands,
  ...databaseCommands,
  ...helpCommands,
];
