// The shop's pages the header and cookie checks read: the home page, one product page (the first
// linked from home or the catalogue), the customer and staff sign-in pages (form pages, so the
// session cookie is set). Asked in process (app.inject) or over HTTP at PUBLIC_URL.
import type { FetchedPage, Injector, PageFetcher } from './findings.ts';

const asText = (v: unknown): string => (Array.isArray(v) ? v.map(String).join(', ') : v === undefined ? '' : String(v));

export function injectFetcher(inject: Injector): PageFetcher {
  return async (path) => {
    const res = await inject({ method: 'GET', url: path, headers: { accept: 'text/html' } });
    const headers: Record<string, string> = {};
    let setCookies: string[] = [];
    for (const [k, v] of Object.entries(res.headers)) {
      if (k.toLowerCase() === 'set-cookie') setCookies = (Array.isArray(v) ? v : [v]).map(String);
      else headers[k.toLowerCase()] = asText(v);
    }
    return { path, status: res.statusCode, headers, setCookies, body: res.body };
  };
}

export function httpFetcher(base: string, timeoutMs = 5000): PageFetcher {
  return async (path) => {
    const res = await fetch(new URL(path, `${base}/`), { redirect: 'manual', headers: { accept: 'text/html' }, signal: AbortSignal.timeout(timeoutMs) });
    const headers: Record<string, string> = {};
    res.headers.forEach((v, k) => {
      if (k !== 'set-cookie') headers[k] = v;
    });
    return { path, status: res.status, headers, setCookies: res.headers.getSetCookie(), body: await res.text() };
  };
}

/** Whether a shop answers at `base` (any HTTP answer to its home page within a few seconds). */
export async function answers(base: string): Promise<boolean> {
  try {
    await httpFetcher(base, 3000)('/');
    return true;
  } catch {
    return false;
  }
}

const productLink = (body: string) => /href="(\/products\/[A-Za-z0-9._~%-]+)"/.exec(body)?.[1] ?? null;

export async function shopPages(fetchPage: PageFetcher): Promise<FetchedPage[]> {
  const home = await fetchPage('/');
  const pages = [home];
  const product = productLink(home.body) ?? productLink((await fetchPage('/catalogue')).body);
  if (product) pages.push(await fetchPage(product));
  pages.push(await fetchPage('/account/login'), await fetchPage('/staff/login'));
  return pages;
}
