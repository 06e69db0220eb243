// Starts PgBouncer (the Debian package `pgbouncer`) in transaction mode in front of the test
// PostgreSQL server, so tests can run the shop through a pooler (decision 0067). One generated ini
// in a temp folder: a free loopback port, no Unix socket, trust auth, and a wildcard database line,
// so every database of the server (each test's scratch copy too) is reachable under its own name.
import { type ChildProcess, spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { freePort } from './free-port.ts';

const candidates = ['/usr/sbin/pgbouncer', '/usr/bin/pgbouncer', '/usr/local/sbin/pgbouncer', '/usr/local/bin/pgbouncer'];

/** The pgbouncer binary, or null when the package is not installed. */
export const pgbouncerBinary: string | null = candidates.find((p) => existsSync(p)) ?? null;

/** A test's `skip` value: false when PgBouncer and DATABASE_URL are there, else why not. */
export const noPgBouncer: string | false = !process.env.DATABASE_URL
  ? 'DATABASE_URL is not set (PgBouncer tests run on PostgreSQL only)'
  : pgbouncerBinary
    ? false
    : 'pgbouncer is not installed (Debian package pgbouncer; .ci/run installs it)';

export interface PgBouncer {
  port: number;
  /** The same database as `directUrl`, reached through the pooler. */
  pooledUrl(directUrl: string): string;
  /** Runs a command on PgBouncer's admin console (SHOW SERVERS, SHOW STATS …). */
  admin(command: string): Promise<Record<string, unknown>[]>;
  stop(): Promise<void>;
}

const quote = (value: string) => `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

/** Starts PgBouncer for the server of `serverUrl` and waits until it accepts connections. */
export async function startPgBouncer(serverUrl: string, options: { poolSize?: number } = {}): Promise<PgBouncer> {
  if (!pgbouncerBinary) throw new Error('pgbouncer is not installed (Debian package pgbouncer)');
  const server = new URL(serverUrl);
  const user = decodeURIComponent(server.username) || 'postgres';
  const password = decodeURIComponent(server.password);
  const dir = mkdtempSync(join(tmpdir(), 'custodian-pgbouncer-'));
  // PgBouncer refuses to run as root; as root it runs as nobody, which must reach its files.
  const asRoot = process.getuid?.() === 0;
  if (asRoot) chmodSync(dir, 0o777);
  const port = await freePort();
  const logfile = join(dir, 'pgbouncer.log');
  writeFileSync(join(dir, 'users.txt'), `"${user}" ""\n`);
  const target = [`host=${server.hostname.replace(/^\[|\]$/g, '')}`, `port=${server.port || '5432'}`, `user=${user}`, ...(password ? [`password=${quote(password)}`] : [])].join(' ');
  writeFileSync(
    join(dir, 'pgbouncer.ini'),
    [
      '[databases]',
      `* = ${target}`,
      '[pgbouncer]',
      'listen_addr = 127.0.0.1',
      `listen_port = ${port}`,
      'unix_socket_dir =',
      'auth_type = trust',
      `auth_file = ${join(dir, 'users.txt')}`,
      'pool_mode = transaction',
      `default_pool_size = ${options.poolSize ?? 20}`,
      'max_client_conn = 1000',
      `admin_users = ${user}`,
      // Scratch databases come and go: forget their pools soon after.
      'autodb_idle_timeout = 30',
      `logfile = ${logfile}`,
      `pidfile = ${join(dir, 'pgbouncer.pid')}`,
      '',
    ].join('\n'),
  );
  const child: ChildProcess = spawn(pgbouncerBinary, [...(asRoot ? ['-u', 'nobody'] : []), join(dir, 'pgbouncer.ini')], { stdio: 'ignore' });
  // The test process may end without stop() (a failed test): the pooler must not outlive it.
  const killOnExit = () => {
    child.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  };
  process.once('exit', killOnExit);
  child.unref();
  let exited = false;
  child.once('exit', () => {
    exited = true;
  });
  const connect = (database: string) => new pg.Client({ host: '127.0.0.1', port, user, database });
  const admin = async (command: string) => {
    const client = connect('pgbouncer');
    client.on('error', () => {});
    await client.connect();
    try {
      return (await client.query(command)).rows as Record<string, unknown>[];
    } finally {
      await client.end().catch(() => {});
    }
  };
  const stop = async () => {
    process.removeListener('exit', killOnExit);
    if (!exited) {
      const gone = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await Promise.race([gone, new Promise((r) => setTimeout(r, 5000))]);
    }
    rmSync(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 15_000;
  for (;;) {
    try {
      await admin('SHOW VERSION');
      break;
    } catch (err) {
      if (exited || Date.now() > deadline) {
        const log = existsSync(logfile) ? readFileSync(logfile, 'utf8').split('\n').slice(-10).join('\n') : '(no log)';
        await stop();
        throw new Error(`pgbouncer did not start on 127.0.0.1:${port} (${(err as Error).message}); its log:\n${log}`);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  return {
    port,
    pooledUrl(directUrl: string) {
      const url = new URL(directUrl);
      url.hostname = '127.0.0.1';
      url.port = String(port);
      url.password = '';
      return url.toString();
    },
    admin,
    stop,
  };
}
