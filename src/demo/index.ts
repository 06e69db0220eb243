// The public entry of the demo shop: seeding it and its published sign-ins.
// Any other file here is internal (decision 0032).
export { demoLogins, seedDemoLogins } from './logins.ts';
export { seedDemoShop } from './seed.ts';
export { DEMO_KEYS_PER_VARIANT, seedDemoLicenceKeys } from './licence-keys.ts';
export { seedDemoDownloads } from './downloads.ts';
export { seedDemoQuotesAndSurveys } from './quotes-surveys.ts';
export { type DemoTicket, demoSupportTickets } from './support.ts';

// Used only by tests outside the module (the whole-app tests, other modules' tests).
export { addHtmlSpecialProduct } from './html-special.ts';
export { demoProducts, htmlSpecialProductName } from './shop-data.ts';
export { seedDemoTestimonials } from './testimonials.ts';
export { seedDemoServiceRegistration } from './services.ts';
