// The cookie inventory (P000-18, P002-10, decision 0062): every cookie the shop sets is declared
// where it is defined, with its name, why it is needed, how long it lasts, what it holds and its
// flags. Modules declare theirs on their Module (`cookies`); the composition root collects them
// into `app.wiring.cookies` with the web shell's own (decision 0034), the policy's "Cookies"
// section renders them, and every setCookie takes its options from the declaration (`cookieOptions`),
// so the flags a browser gets cannot drift from the ones the policy and the tests read.
import type { CookieSerializeOptions } from '@fastify/cookie';
import type { Module } from '../platform/module.ts';

export interface CookieAttributes {
  path: '/';
  secure: boolean;
  httpOnly: boolean;
  sameSite: 'lax' | 'strict';
}

export interface CookieDeclaration {
  name: string;
  /** Why the shop needs it, in a customer's words: the purchase, signing in, protecting forms. */
  purpose: string;
  /** How long it lasts, in a customer's words. */
  lifetime: string;
  /** What it holds: "an opaque random id", "a message code"; never anything about the person. */
  contents: string;
  attributes: CookieAttributes;
  /** Max-Age in seconds when the cookie is set, unless the setter says otherwise; null: until the browser closes. */
  maxAgeSeconds: number | null;
}

declare module '../platform/module.ts' {
  interface Module {
    /** The cookies this module sets (src/web/cookies.ts). */
    cookies?: readonly CookieDeclaration[];
  }
  interface Wiring {
    /** Every cookie the shop sets: the web shell's own, then each module's, in module order. */
    cookies: readonly CookieDeclaration[];
  }
}

/** The options of `setCookie` for a declared cookie; `maxAgeSeconds` overrides the declared one (null: a browser-session cookie). */
export function cookieOptions(declaration: CookieDeclaration, maxAgeSeconds: number | null = declaration.maxAgeSeconds): CookieSerializeOptions {
  return { ...declaration.attributes, ...(maxAgeSeconds !== null ? { maxAge: maxAgeSeconds } : {}) };
}

/** The options of `clearCookie` for a declared cookie (the same name, path and flags). */
export function clearCookieOptions(declaration: CookieDeclaration): CookieSerializeOptions {
  return { ...declaration.attributes };
}

/** "30 days", "12 hours", "1 minute": a duration of whole days, hours, minutes or seconds. */
export function durationWords(ms: number): string {
  const units: [number, string][] = [
    [86_400_000, 'day'],
    [3_600_000, 'hour'],
    [60_000, 'minute'],
    [1000, 'second'],
  ];
  const [size, unit] = units.find(([size]) => ms % size === 0 && ms >= size) ?? [1000, 'second'];
  const n = Math.round(ms / size);
  return `${n.toLocaleString('en-US')} ${unit}${n === 1 ? '' : 's'}`;
}

/** The shop's cookies: `shell` (the web shell's own) and every module's, a name declared once. */
export function cookiesOf(modules: readonly Module[], shell: readonly CookieDeclaration[]): CookieDeclaration[] {
  const byName = new Map<string, string>();
  const all: CookieDeclaration[] = [];
  for (const [owner, declarations] of [['web', shell] as const, ...modules.map((m) => [m.name, m.cookies ?? []] as const)]) {
    for (const declaration of declarations) {
      const taken = byName.get(declaration.name);
      if (taken) throw new Error(`Cookie ${declaration.name} is declared by both ${taken} and ${owner}`);
      if (!declaration.name.startsWith('__Host-') || !declaration.attributes.secure || declaration.attributes.path !== '/') {
        throw new Error(`Cookie ${declaration.name} (${owner}): the shop's cookies are __Host- prefixed, Secure, with path /`);
      }
      byName.set(declaration.name, owner);
      all.push(declaration);
    }
  }
  return all;
}
