// The comms module: the outbox table and (with the sender) the job that delivers queued mail.
import type { Module } from '../platform/module.ts';
import { commsMigrations } from './migrations.ts';

export const commsModule: Module = {
  name: 'comms',
  migrations: commsMigrations,
};
