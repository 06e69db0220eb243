import type { CookieDeclaration } from '../web/cookies.ts';

/**
 * The cookies the sandbox processor's pages set, listed apart from the shop's (it is another app, on
 * another origin): none. Its pay page is a plain form with a one-time session id in the URL.
 */
export const sandboxProcessorCookies: readonly CookieDeclaration[] = [];
