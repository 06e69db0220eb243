// CPU time spent while a benchmark runs: this process's (process.cpuUsage) and, when PostgreSQL
// runs on this machine, its processes' (utime + stime of every process named postgres, from
// /proc), so a figure says whether the shop or the database did the work.
import { readdirSync, readFileSync } from 'node:fs';

const TICK_MS = 10; // USER_HZ is 100 on Linux

/** utime + stime of every local process named postgres, in ms; null where /proc cannot tell. */
function postgresCpuMs(): number | null {
  let dirs: string[];
  try {
    dirs = readdirSync('/proc').filter((d) => /^\d+$/.test(d));
  } catch {
    return null;
  }
  let ticks = 0;
  let seen = false;
  for (const pid of dirs) {
    let stat: string;
    try {
      stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    } catch {
      continue;
    }
    const close = stat.lastIndexOf(')');
    if (stat.slice(stat.indexOf('(') + 1, close) !== 'postgres') continue;
    const fields = stat.slice(close + 2).split(' ');
    ticks += Number(fields[11]) + Number(fields[12]);
    seen = true;
  }
  return seen ? ticks * TICK_MS : null;
}

export interface CpuSpent {
  selfMs: number;
  /** null: no local PostgreSQL (PGlite runs inside this process, in selfMs). */
  postgresMs: number | null;
}

/** Starts counting; the returned function tells what was spent since. Backends that exit in between are not counted. */
export function cpuMeter(): () => CpuSpent {
  const self = process.cpuUsage();
  const pg = postgresCpuMs();
  return () => {
    const used = process.cpuUsage(self);
    const pgNow = postgresCpuMs();
    return { selfMs: (used.user + used.system) / 1000, postgresMs: pg === null || pgNow === null ? null : Math.max(0, pgNow - pg) };
  };
}
