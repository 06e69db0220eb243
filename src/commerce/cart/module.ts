// The cart module: an anonymous cart per browser (the `__Host-cart` cookie), its pages and JSON
// API, saved baskets and gift lists in the account, and the sweep of expired carts.
import type { FastifyPluginAsync } from 'fastify';
import type { Module } from '../../platform/module.ts';
import { cartHeader } from './header.ts';
import { cartMigrations } from './migrations.ts';
import { cartRoutes } from './routes.ts';
import { sweepCarts } from './store.ts';
import { cartHolder } from './holder.ts';
import { cartCookie } from './token.ts';

export const CART_SWEEP_JOB = 'cart.sweep';

/** The header's cart count at the root (every module's pages), the cart's own routes encapsulated. */
const cartRoot: FastifyPluginAsync = async (app) => {
  await app.register(cartHeader);
  await app.register(cartRoutes);
};
(cartRoot as unknown as Record<symbol, boolean>)[Symbol.for('skip-override')] = true;

export const cartModule: Module = {
  name: 'cart',
  migrations: cartMigrations,
  routes: cartRoot,
  jobs: {
    [CART_SWEEP_JOB]: async (_payload, ctx) => {
      const swept = await sweepCarts(ctx.db, new Date());
      if (swept > 0) ctx.log.info({ swept }, 'expired carts deleted');
    },
  },
  schedules: [{ name: CART_SWEEP_JOB, job: CART_SWEEP_JOB, everySeconds: 3600 }],
  personalData: cartHolder,
  cookies: [cartCookie],
};
