// The public entry of brand: the shop's logo and colours. Any other file here is internal
// (decision 0032).
export { brandModule } from './module.ts';
export { BRAND_CHANGED, DEFAULT_COLOURS, changeBrand, colourProblems, readBrand } from './settings.ts';
export { contrastRatio } from './contrast.ts';
