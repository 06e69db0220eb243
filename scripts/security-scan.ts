// `bash .ci/security-scan` (or `node scripts/security-scan.ts`): sqlmap and wapiti against the
// demo shop as `npm start` makes it (embedded PGlite in a temp DATA_DIR, HTTPS on 127.0.0.1, free
// ports), as a visitor with a cart, the signed-in demo customer and the demo owner. Exits 1 on any
// finding of injection, missing security headers, insecure cookies, CSRF or a 5xx (decision 0070),
// and stops the shop whatever happens. Needs the Debian packages sqlmap and wapiti; goes nowhere
// but the shop. SCAN_KEEP=1 keeps the temp folder (logs and reports) for a look afterwards.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CATEGORIES, type Finding, judge, perCategory, shopRequests, sqlmapCounts, sqlmapFindings, wapitiCrawl, wapitiFindings } from './security-scan/findings.ts';
import { customerSession, ownerSession, ownIds, type Shop, startShop, stillSignedIn, vendorSession, visitorWithCart } from './security-scan/shop.ts';
import { ownSessionPaths, runTool, SESSION_ENDING_PATHS, sqlmapArgs, wapitiCommand, stopTools, type ToolResult, wapitiArgs, wapitiCookieFile } from './security-scan/tools.ts';

const started = Date.now();
const seconds = () => Math.round((Date.now() - started) / 1000);
const say = (line: string) => console.log(`[security-scan ${String(seconds()).padStart(3)} s] ${line}`);

// Bounds that keep the whole scan within about four minutes on a two-core CI machine.
const SQLMAP = { level: 1, risk: 1 };
// wapiti's crawl and each attack module's limit; a lane's worst case is crawl + 15 modules x attack.
// The staff console has the most pages (its crawl stops with two thirds of them found but not
// fetched at 30 s); the vendor portal has 15 resources, crawled in seconds, whose stock form (a
// field per variant) uses up a 10 s module before the forms after it.
const WAPITI = {
  visitor: { crawl: 30, attack: 10 },
  customer: { crawl: 30, attack: 10 },
  staff: { crawl: 45, attack: 10 },
  vendor: { crawl: 30, attack: 15 },
} as const;
const TOOL_TIMEOUT_SECONDS = 280;

for (const tool of ['sqlmap', 'wapiti', 'openssl']) {
  try {
    execFileSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' });
  } catch {
    console.error(`security-scan: ${tool} is not installed (Debian: apt-get install sqlmap wapiti openssl)`);
    process.exit(2);
  }
}

const wapiti = wapitiCommand();
const work = mkdtempSync(join(tmpdir(), 'custodian-scan-'));
const home = join(work, 'home');
mkdirSync(home);
let shop: Shop | undefined;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    stopTools();
    void (shop?.stop() ?? Promise.resolve()).finally(() => process.exit(130));
  });
}

interface Lane {
  name: string;
  result: ToolResult;
  findings: Finding[];
  note: string;
}

async function sqlmapLane(name: string, paths: readonly string[], cookies: Record<string, string>, forms: boolean): Promise<Lane> {
  const dir = join(work, `sqlmap-${name}`);
  mkdirSync(dir);
  const targetsFile = join(dir, 'targets.txt');
  writeFileSync(targetsFile, `${paths.map((p) => `${shop!.origin}${p}`).join('\n')}\n`);
  const logPath = join(dir, 'sqlmap.log');
  const result = await runTool('sqlmap', sqlmapArgs({ targetsFile, forms, cookies, outputDir: dir, ...SQLMAP }), { logPath, home, timeoutSeconds: TOOL_TIMEOUT_SECONDS });
  const log = readFileSync(logPath, 'utf8');
  const csv = readdirSync(dir)
    .filter((f) => /^results-.*\.csv$/.test(f))
    .map((f) => readFileSync(join(dir, f), 'utf8'))
    .join('\n');
  const counts = sqlmapCounts(log);
  const findings = sqlmapFindings(log, csv);
  if (counts.parameters === 0) {
    findings.push({ tool: 'sqlmap', category: 'other', kind: 'nothing tested', detail: `sqlmap ${name} tested no parameter (log: ${logPath})` });
  }
  return { name: `sqlmap ${name}`, result, findings, note: `${counts.targets} targets, ${counts.parameters} parameters` };
}

async function wapitiLane(name: keyof typeof WAPITI, folder: string, start: string | undefined, cookies?: Record<string, string>, exclude: readonly string[] = []): Promise<Lane> {
  const dir = join(work, `wapiti-${name}`);
  mkdirSync(dir);
  let cookieFile: string | undefined;
  if (cookies) {
    cookieFile = join(dir, 'cookies.json');
    writeFileSync(cookieFile, wapitiCookieFile('127.0.0.1', cookies));
  }
  const reportPath = join(dir, 'report.json');
  const logPath = join(dir, 'wapiti.log');
  const args = wapitiArgs({
    origin: shop!.origin,
    folder,
    start,
    reportPath,
    sessionDir: join(dir, 'session'),
    cookieFile,
    exclude,
    maxScanSeconds: WAPITI[name].crawl,
    maxAttackSeconds: WAPITI[name].attack,
  });
  const result = await runTool(wapiti[0], [wapiti[1], ...args], { logPath, home, timeoutSeconds: TOOL_TIMEOUT_SECONDS });
  const log = readFileSync(logPath, 'utf8');
  const crawl = wapitiCrawl(log);
  let findings: Finding[];
  if (existsSync(reportPath)) {
    findings = wapitiFindings(JSON.parse(readFileSync(reportPath, 'utf8')));
  } else {
    findings = [{ tool: 'wapiti', category: 'other', kind: 'no report', detail: `wapiti ${name} wrote no report (log: ${logPath})` }];
  }
  const cut = (log.match(/Max attack time was reached for module (\w+)/g) ?? []).map((l) => l.split(' ').pop());
  return { name: `wapiti ${name}`, result, findings, note: `${crawl.crawled} resources crawled of ${crawl.found} found${cut.length ? `; attack time ran out in ${cut.join(', ')}` : ''}` };
}

/** Each distinct line once, with how often it came. */
function tally(lines: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const line of lines) counts.set(line, (counts.get(line) ?? 0) + 1);
  return counts;
}

let exitCode = 1;
try {
  say(`starting the demo shop (PGlite, HTTPS) in ${work}`);
  shop = await startShop(work);
  say(`shop up at ${shop.origin}`);

  const home = await shop.request('/');
  const product = /href="(\/products\/[^"?#]+)"/.exec(home.body)?.[1];
  const category = /href="(\/categories\/[^"?#]+)"/.exec(home.body)?.[1];
  if (!product || !category) throw new Error('no product or category link on the home page');
  const visitor = await visitorWithCart(shop, product);
  const customer = await customerSession(shop);
  const owner = await ownerSession(shop);
  const vendor = await vendorSession(shop);
  const ownForms = ownSessionPaths(await ownIds(shop, owner));
  say(`signed in: a visitor with a cart, the demo customer, the demo owner, the demo vendor (product ${product})`);
  say(`not submitted (they end the scan's own sessions): ${ownForms.join(', ')} and ${SESSION_ENDING_PATHS.join(', ')}`);

  // sqlmap's targets: the query parameters of search, the catalogue filters and a product page's
  // path, and the forms of the pages the issue names (cart add, checkout, sign-in, the privacy centre,
  // the staff order and customer searches). wapiti's sql and blindsql modules try every form it crawls.
  const visitorQueries = [`/search?q=lapto`, `/catalogue?category=laptops&kind=physical&min=1&max=5000&stock=in&sort=price-asc`, `${category}?sort=name&min=1&max=9000&stock=in`, `${product}*`];
  const visitorForms = [product, '/checkout', '/account/login'];
  const customerForms = ['/account/privacy', '/account/email'];
  const staffQueries = ['/staff/orders?status=paid&from=2026-01-01&to=2026-06-30&page=1'];
  const staffForms = ['/staff/orders', '/staff/customers'];
  for (const [paths, cookies] of [
    [[...visitorForms, ...visitorQueries.map((q) => q.replace(/\*$/, ''))], visitor],
    [customerForms, customer],
    [[...staffForms, ...staffQueries], owner],
  ] as const) {
    for (const path of paths) {
      const answer = await shop.request(path, { cookies });
      if (answer.status !== 200) {
        const problem = /class="error[^"]*"[^>]*>([^<]*)</.exec(answer.body)?.[1] ?? '';
        throw new Error(`${path} answered ${answer.status} ${problem}: the scan's page list is out of date`);
      }
    }
  }

  const lanes = await Promise.all([
    wapitiLane('visitor', '/', undefined),
    wapitiLane('customer', '/account/', '/account', customer),
    wapitiLane('staff', '/staff/', '/staff', owner, ownForms),
    wapitiLane('vendor', '/vendor/', '/vendor', vendor, ownForms),
    (async () => {
      const done: Lane[] = [];
      done.push(await sqlmapLane('visitor-queries', visitorQueries, visitor, false));
      done.push(await sqlmapLane('visitor-forms', visitorForms, visitor, true));
      return done;
    })(),
    (async () => {
      const done: Lane[] = [];
      done.push(await sqlmapLane('customer-forms', customerForms, customer, true));
      done.push(await sqlmapLane('staff-queries', staffQueries, owner, false));
      done.push(await sqlmapLane('staff-forms', staffForms, owner, true));
      return done;
    })(),
  ]).then((all) => all.flat());

  const findings = lanes.flatMap((l) => l.findings);
  for (const [who, path, cookies] of [
    ['customer', '/account', customer],
    ['owner', '/staff', owner],
    ['vendor', '/vendor', vendor],
  ] as const) {
    if (!(await stillSignedIn(shop, path, cookies))) {
      findings.push({ tool: 'shop', category: 'other', kind: 'session ended', detail: `the ${who}'s session ended during the scan: its pages were not all scanned signed in` });
    }
  }
  await shop.stop();
  const requests = shopRequests(readFileSync(shop.logPath, 'utf8'));
  findings.push(...requests.serverErrors);
  const verdict = judge(findings);

  console.log('\n==== Security scan summary ====');
  for (const lane of lanes) {
    const status = lane.result.timedOut ? 'TIMED OUT' : `exit ${lane.result.code}`;
    console.log(`${lane.name.padEnd(24)} ${String(Math.round(lane.result.seconds)).padStart(4)} s  ${status.padEnd(9)} ${lane.note}`);
  }
  const statuses = Object.entries(requests.byStatus)
    .sort()
    .map(([s, n]) => `${s} ${n}`)
    .join(', ');
  console.log(`requests the shop answered: ${requests.total} (${statuses})`);
  const counts = perCategory(verdict.failing);
  console.log(`findings: ${CATEGORIES.map((c) => `${c} ${counts[c]}`).join(', ')}`);
  for (const [line, n] of tally(
    verdict.allowed.map(({ finding, entry }) => `allowed (${finding.tool}): ${finding.kind}: ${finding.detail}${entry.path || entry.multipart ? ` at ${finding.path}` : ''} — ${entry.reason}`),
  )) {
    console.log(`  ${line}${n > 1 ? ` (${n} times)` : ''}`);
  }
  for (const [line, n] of tally(verdict.failing.map((f) => `FINDING (${f.tool}, ${f.category}): ${f.kind}: ${f.detail}${f.path ? ` at ${f.path}` : ''}`)))
    console.log(`  ${line}${n > 1 ? ` (${n} times)` : ''}`);
  const timedOut = lanes.filter((l) => l.result.timedOut);
  for (const lane of timedOut) console.log(`  TIMED OUT: ${lane.name} after ${TOOL_TIMEOUT_SECONDS} s`);
  exitCode = verdict.failing.length === 0 && timedOut.length === 0 ? 0 : 1;
  console.log(`security scan ${exitCode === 0 ? 'passed' : 'FAILED'} in ${seconds()} s`);
} catch (err) {
  console.error(`security-scan: ${(err as Error).stack ?? String(err)}`);
  exitCode = 1;
} finally {
  stopTools();
  await shop?.stop();
  if (process.env.SCAN_KEEP === '1' || exitCode !== 0) console.log(`logs and reports kept in ${work}`);
  else rmSync(work, { recursive: true, force: true });
}
process.exit(exitCode);
