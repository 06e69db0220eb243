// The public entry of pricing: priceLines and its rules. Any other file here is internal
// (decision 0032).
export { type CartLine, type PricedCart, lineLimits, priceLines, priceLinesOf } from './price-lines.ts';
export { type PricingRules, pricingRulesFrom } from './rules.ts';
