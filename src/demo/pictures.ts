// Product illustrations for the demo shop, drawn in code: a flat drawing per kind of product on
// the vendor's colour, rendered to an image by sharp at seed time. Deterministic: the same product
// always gets the same picture.
import type { DemoProduct } from './shop-data.ts';

/** Drawn on an 800×600 canvas, stored at 320 and 640 pixels wide. */
export const PICTURE_WIDTH = 640;
export const PICTURE_HEIGHT = 480;

const vendorColours: Record<string, { base: string; light: string }> = {
  'lanternfish-software': { base: '#0e6e6e', light: '#d6f0ee' },
  'quillstone-labs': { base: '#5b3f9e', light: '#e9e2f7' },
  'corvid-hardware': { base: '#27313f', light: '#e3e8ef' },
  'ashgrove-telecom': { base: '#b0412e', light: '#f8e3dc' },
  'brightwater-instruments': { base: '#1f5fa8', light: '#dde9f7' },
};

const ink = '#1d2430';

/** The drawing of one kind of product, centred in a 800×600 box. */
const drawings: Record<string, (c: { base: string; light: string }) => string> = {
  laptops: (c) => `<rect x="220" y="150" width="360" height="230" rx="14" fill="${ink}"/><rect x="238" y="168" width="324" height="194" rx="4" fill="${c.base}"/>
    <path d="M170 390h460l-30 46H200z" fill="#9aa5b1"/><rect x="360" y="398" width="80" height="10" rx="5" fill="#6b7684"/>
    <path d="M262 330l60-70 44 40 60-80 70 110z" fill="${c.light}" opacity=".8"/>`,
  accessories: (c) => `<rect x="190" y="140" width="420" height="250" rx="12" fill="${ink}"/><rect x="206" y="156" width="388" height="218" rx="4" fill="${c.base}"/>
    <rect x="380" y="390" width="40" height="50" fill="#9aa5b1"/><rect x="310" y="440" width="180" height="16" rx="8" fill="#6b7684"/>
    <circle cx="400" cy="265" r="56" fill="${c.light}" opacity=".85"/>`,
  networking: (c) => `<rect x="200" y="300" width="400" height="110" rx="18" fill="${ink}"/>
    ${[0, 1, 2, 3, 4].map((i) => `<circle cx="${260 + i * 50}" cy="355" r="9" fill="${i % 2 ? c.light : '#5dd39e'}"/>`).join('')}
    <rect x="260" y="180" width="14" height="120" rx="7" fill="#6b7684"/><rect x="526" y="180" width="14" height="120" rx="7" fill="#6b7684"/>
    <path d="M330 250a100 100 0 0 1 140 0M350 220a130 130 0 0 1 100 0" stroke="${c.base}" stroke-width="16" fill="none" stroke-linecap="round"/>`,
  industrial: (c) => `<rect x="300" y="150" width="200" height="300" rx="24" fill="${ink}"/><circle cx="400" cy="260" r="62" fill="${c.base}"/>
    <circle cx="400" cy="260" r="26" fill="${c.light}"/><rect x="340" y="360" width="120" height="18" rx="9" fill="#5dd39e"/>
    <path d="M180 300q30-40 60 0t60 0M500 300q30-40 60 0t60 0" stroke="${c.base}" stroke-width="10" fill="none"/>`,
  security: (c) => `<path d="M400 130l170 60v110c0 100-80 160-170 190-90-30-170-90-170-190V190z" fill="${c.base}"/>
    <path d="M400 170l130 46v84c0 76-60 124-130 148z" fill="${c.light}" opacity=".35"/>
    <rect x="350" y="290" width="100" height="80" rx="10" fill="${c.light}"/><path d="M370 290v-30a30 30 0 0 1 60 0v30" stroke="${c.light}" stroke-width="14" fill="none"/>`,
  productivity: (c) => `<rect x="260" y="120" width="280" height="360" rx="14" fill="#fff" stroke="${ink}" stroke-width="6"/>
    <rect x="260" y="120" width="280" height="70" rx="14" fill="${c.base}"/>
    ${[0, 1, 2, 3, 4].map((i) => `<rect x="295" y="${225 + i * 44}" width="${i === 4 ? 120 : 210}" height="16" rx="8" fill="${i === 0 ? c.base : '#b8c0ca'}"/>`).join('')}`,
  telecom: (c) => `<rect x="320" y="120" width="160" height="340" rx="28" fill="${ink}"/><rect x="334" y="150" width="132" height="270" rx="8" fill="${c.base}"/>
    ${[0, 1, 2, 3].map((i) => `<rect x="${360 + i * 22}" y="${300 - i * 30}" width="14" height="${40 + i * 30}" rx="4" fill="${c.light}"/>`).join('')}
    <path d="M540 220a120 120 0 0 1 0 160M580 190a170 170 0 0 1 0 220" stroke="${c.base}" stroke-width="14" fill="none" stroke-linecap="round"/>`,
  monitoring: (c) => `<rect x="200" y="150" width="400" height="260" rx="16" fill="${ink}"/>
    <path d="M230 330l70-60 60 40 70-110 60 70 80-50" stroke="${c.light}" stroke-width="12" fill="none" stroke-linejoin="round"/>
    <circle cx="570" cy="220" r="16" fill="#5dd39e"/><rect x="330" y="410" width="140" height="24" fill="#6b7684"/>`,
};

/** Drawings for products whose shelf holds different things, chosen by a word of their slug. */
const byKeyword: [string, (c: { base: string; light: string }) => string][] = [
  [
    'dock',
    (c) => `<rect x="230" y="260" width="340" height="90" rx="20" fill="${ink}"/>
    ${[0, 1, 2, 3].map((i) => `<rect x="${270 + i * 70}" y="292" width="40" height="22" rx="5" fill="${i === 0 ? c.base : '#9aa5b1'}"/>`).join('')}
    <path d="M400 260v-60q0-40 60-40h80" stroke="#6b7684" stroke-width="16" fill="none" stroke-linecap="round"/>`,
  ],
  [
    'keyboard',
    (c) => `<rect x="150" y="240" width="380" height="150" rx="16" fill="${ink}"/>
    ${[0, 1, 2].map((r) => [0, 1, 2, 3, 4, 5, 6, 7].map((k) => `<rect x="${172 + k * 44}" y="${260 + r * 40}" width="34" height="28" rx="5" fill="#9aa5b1"/>`).join('')).join('')}
    <rect x="560" y="250" width="90" height="140" rx="45" fill="${c.base}"/><path d="M605 250v50" stroke="${c.light}" stroke-width="6"/>`,
  ],
  [
    'cable',
    (c) => `<rect x="250" y="170" width="300" height="260" rx="30" fill="${c.base}"/><rect x="270" y="190" width="260" height="12" rx="6" fill="${c.light}"/>
    <path d="M330 260q70 60 0 110M470 260q-70 60 0 110" stroke="${c.light}" stroke-width="16" fill="none" stroke-linecap="round"/>
    <rect x="305" y="240" width="50" height="30" rx="6" fill="${ink}"/><rect x="445" y="240" width="50" height="30" rx="6" fill="${ink}"/>`,
  ],
  [
    'switch',
    (c) => `<rect x="170" y="260" width="460" height="90" rx="12" fill="${ink}"/>
    ${[0, 1, 2, 3, 4, 5, 6, 7].map((i) => `<rect x="${200 + i * 50}" y="285" width="36" height="30" rx="3" fill="${c.light}"/><circle cx="${218 + i * 50}" cy="332" r="5" fill="#5dd39e"/>`).join('')}`,
  ],
];

/** The SVG of a product's picture and its alt text. */
export function demoPicture(p: DemoProduct): { svg: Buffer; alt: string } {
  const colours = vendorColours[p.vendor] ?? { base: '#0b5cad', light: '#dde9f7' };
  const draw = byKeyword.find(([word]) => p.slug.split('-').includes(word))?.[1] ?? drawings[p.category] ?? drawings.productivity!;
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${PICTURE_WIDTH}" height="${PICTURE_HEIGHT}" viewBox="0 0 800 600">
<rect width="800" height="600" fill="${colours.light}"/><circle cx="660" cy="110" r="150" fill="#fff" opacity=".45"/>
${draw(colours)}
</svg>`;
  return { svg: Buffer.from(svg), alt: `Illustration of ${p.name}` };
}
