// Cart pages are sent like every private page of the shop.
export { sendPage } from '../../web/page.ts';
