// The orders module: orders, their lines and their status history; the state machine; the status
// mail; the customer's order pages and the staff console and API to move orders along.
import type { Module } from '../../platform/module.ts';
import { statusTemplate } from './mail.ts';
import { receiptTemplate } from './receipt.ts';
import { ordersMigrations } from './migrations.ts';
import { ordersRoutes } from './routes.ts';
import { ordersHolder } from './holder.ts';

export const ordersModule: Module = {
  name: 'orders',
  migrations: ordersMigrations,
  routes: ordersRoutes,
  personalData: ordersHolder,
  mailTemplates: [statusTemplate, receiptTemplate],
};
