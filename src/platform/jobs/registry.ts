// Gathers the job handlers and schedules of every module into one table for the worker. Two
// modules claiming the same job or schedule name is a wiring mistake, so it stops start.
import type { Module } from '../module.ts';
import { assertJobName } from './enqueue.ts';
import { checkSchedule } from './schedules.ts';
import type { JobHandlers, Schedule } from './types.ts';

export interface JobRegistry {
  handlers: JobHandlers;
  schedules: Schedule[];
}

export function collectJobs(modules: readonly Module[]): JobRegistry {
  const handlers: JobHandlers = {};
  const owner = new Map<string, string>();
  const schedules: Schedule[] = [];
  const scheduleOwner = new Map<string, string>();
  for (const module of modules) {
    for (const [name, handler] of Object.entries(module.jobs ?? {})) {
      assertJobName(name);
      const taken = owner.get(name);
      if (taken) throw new Error(`Job "${name}" is defined by both module ${taken} and module ${module.name}`);
      owner.set(name, module.name);
      handlers[name] = handler;
    }
    for (const schedule of module.schedules ?? []) {
      checkSchedule(schedule);
      const taken = scheduleOwner.get(schedule.name);
      if (taken) throw new Error(`Schedule "${schedule.name}" is defined by both module ${taken} and module ${module.name}`);
      scheduleOwner.set(schedule.name, module.name);
      schedules.push(schedule);
    }
  }
  for (const schedule of schedules) {
    if (!Object.hasOwn(handlers, schedule.job)) {
      throw new Error(`Schedule "${schedule.name}" enqueues job "${schedule.job}", which no module handles`);
    }
  }
  return { handlers, schedules };
}
