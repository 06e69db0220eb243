// Check 2: every cookie the shop's pages set (the sign-in pages are forms, so the session cookie
// is among them) carries Secure, HttpOnly and SameSite.
import type { Check } from '../findings.ts';
import { pageFindings } from './headers.ts';

const ID = 'cookies';

export function cookieFlagsMissing(setCookie: string): { name: string; missing: string[] } {
  const [pair, ...attrs] = setCookie.split(';').map((s) => s.trim());
  const name = (pair ?? '').split('=')[0] ?? '';
  const names = new Set(attrs.map((a) => a.split('=')[0]!.toLowerCase()));
  return { name, missing: ['Secure', 'HttpOnly', 'SameSite'].filter((f) => !names.has(f.toLowerCase())) };
}

export const cookiesCheck: Check = {
  id: ID,
  title: 'Cookie flags (Secure, HttpOnly, SameSite) on every cookie those pages set',
  async run(ctx) {
    const got = await ctx.pages();
    if (!got) return [];
    return pageFindings(ID, got.pages, (page) =>
      page.setCookies.flatMap((c) => {
        const { name, missing } = cookieFlagsMissing(c);
        return missing.length
          ? [
              {
                severity: missing.includes('Secure') || missing.includes('HttpOnly') ? ('high' as const) : ('medium' as const),
                title: `Cookie ${name} lacks ${missing.join(', ')}`,
                fix: `Set the cookie ${name} with Secure, HttpOnly and SameSite=Lax (or Strict).`,
              },
            ]
          : [];
      }),
    );
  },
};
