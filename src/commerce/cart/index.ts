// The public entry of the cart: what checkout, the published policy and the whole-app tests use
// of it. Any other file here is internal (decision 0032).
export { cartModule } from './module.ts';
export { cartOfRequest } from './request.ts';
export { clearCart } from './store.ts';
export { CART_COOKIE, CART_IDLE_MS, cartCookie } from './token.ts';

// Used only by tests outside the module (the whole-app tests, other modules' tests).
export { SavedLists } from './saved.ts';
export { addToCart, addToCartOfToken, createCart } from './store.ts';
