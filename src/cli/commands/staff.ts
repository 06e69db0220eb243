// `custodian staff create`: adds a staff member, typically the first owner (later owners add staff
// in the console). The new member gets a mailed link to choose their password; the link is also
// printed, for a shop whose mail is not set up yet. The code lives in src/accounts.
import { commsMailerFor, throttleSecret, createStaff } from '../../accounts/index.ts';
import { staffRoles, systemActor, kernelSettings, startKernel } from '../../privacy/index.ts';
import type { CliCommand } from '../command.ts';

export const staffCommands: CliCommand[] = [
  {
    path: ['staff', 'create'],
    summary: 'Add a staff member (e.g. the first owner) and print the link that sets their password',
    flags: {
      name: { type: 'string', value: '<name>', description: 'Full name, up to 200 characters', required: true },
      email: { type: 'string', value: '<email>', description: 'Sign-in email', required: true },
      role: { type: 'string', value: '<role>', description: `One of ${staffRoles.join(', ')}`, required: true },
    },
    fieldNames: { name: '--name', email: '--email', role: '--role', 'body.name': '--name', 'body.email': '--email', 'body.role': '--role' },
    async run(ctx, args) {
      const kernel = await startKernel({ db: ctx.db, ...kernelSettings(ctx.config) });
      const deps = {
        kernel,
        decoy: '',
        mail: commsMailerFor(kernel),
        throttleSecret: throttleSecret(kernel),
        publicUrl: ctx.config.publicUrl,
        shopName: ctx.config.shopName,
        now: () => new Date(),
      };
      const { user, link } = await ctx.db
        .transaction()
        .execute((trx) => createStaff(deps, trx, { name: String(args.flags.name), email: String(args.flags.email), role: String(args.flags.role), actor: systemActor('cli.staff-create') }));
      await kernel.flush();
      // The link is built from the shop's public address (PUBLIC_URL); without it, from the default one.
      const guessed = ctx.config.publicUrl === `http://localhost:${ctx.config.port}`;
      const note = guessed ? `\n(PUBLIC_URL is not set, so this link assumes the shop runs at ${ctx.config.publicUrl}; set PUBLIC_URL to the address people open the shop at.)` : '';
      return {
        data: { id: user.id, role: user.role, link },
        text: `Added staff member ${user.id} with role ${user.role}.\nThey were mailed this link to choose a password (valid 72 hours):\n${link}${note}`,
      };
    },
  },
];
