// The demo shop: invented companies and products, no personal data. Prices are integer minor
// units (cents) in USD; stock is set on physical goods only (null: not tracked).
import type { ProductKind, ProductStatus } from '../commerce/catalogue/index.ts';

export interface DemoVendor {
  slug: string;
  name: string;
  description: string;
  website: string;
}

export interface DemoCategory {
  slug: string;
  name: string;
  description: string;
  /** Slug of the parent category; listed before its children. */
  parent?: string;
  position: number;
}

export interface DemoVariant {
  sku: string;
  name: string;
  priceMinor: number;
  stock: number | null;
  /** A plan: charged each period (subscriptions). */
  billingPeriod?: 'month' | 'year';
}

export interface DemoProduct {
  slug: string;
  name: string;
  vendor: string;
  category: string;
  kind: ProductKind;
  status?: ProductStatus;
  description: string;
  variants: DemoVariant[];
}

export const demoCurrency = 'USD';

/** A name made of HTML-special characters, which tests give a demo product (html-special.ts): every page must show it as text. */
export const htmlSpecialProductName = `Cable <b>&</b> "Adapter" 'Kit'`;

export const demoVendors: DemoVendor[] = [
  {
    slug: 'lanternfish-software',
    name: 'Lanternfish Software',
    description: 'Publisher of security software for homes and small offices.',
    website: 'https://lanternfish.example',
  },
  {
    slug: 'quillstone-labs',
    name: 'Quillstone Labs',
    description: 'Makers of office and productivity applications.',
    website: 'https://quillstone.example',
  },
  {
    slug: 'corvid-hardware',
    name: 'Corvid Hardware',
    description: 'Designs laptops, networking gear and accessories.',
    website: 'https://corvid.example',
  },
  {
    slug: 'ashgrove-telecom',
    name: 'Ashgrove Telecom',
    description: 'Mobile, broadband and business telephone operator.',
    website: 'https://ashgrove.example',
  },
  {
    slug: 'brightwater-instruments',
    name: 'Brightwater Instruments',
    description: 'Industrial sensors and gateways, with a remote monitoring service.',
    website: 'https://brightwater.example',
  },
];

export const demoCategories: DemoCategory[] = [
  { slug: 'software', name: 'Software', description: 'Licences you download and activate.', position: 1 },
  { slug: 'security', name: 'Security', description: 'Protection for devices, passwords and mail.', parent: 'software', position: 1 },
  { slug: 'productivity', name: 'Productivity', description: 'Office suites, notes and documents.', parent: 'software', position: 2 },
  { slug: 'hardware', name: 'Hardware', description: 'Computers and equipment, shipped to you.', position: 2 },
  { slug: 'laptops', name: 'Laptops', description: 'Portable computers for study and work.', parent: 'hardware', position: 1 },
  { slug: 'networking', name: 'Networking', description: 'Routers, switches and Wi-Fi.', parent: 'hardware', position: 2 },
  { slug: 'accessories', name: 'Accessories', description: 'Docks, cables, keyboards and screens.', parent: 'hardware', position: 3 },
  { slug: 'industrial', name: 'Industrial equipment', description: 'Sensors and gateways for machines.', parent: 'hardware', position: 4 },
  { slug: 'services', name: 'Services', description: 'Subscriptions we provide on behalf of our vendors.', position: 3 },
  { slug: 'telecom', name: 'Telecom', description: 'Mobile plans, broadband and phone lines.', parent: 'services', position: 1 },
  { slug: 'monitoring', name: 'Monitoring', description: 'Remote monitoring and maintenance of equipment.', parent: 'services', position: 2 },
];

export const demoProducts: DemoProduct[] = [
  // Software > Security
  {
    slug: 'lanternfish-endpoint-shield',
    name: 'Lanternfish Endpoint Shield',
    vendor: 'lanternfish-software',
    category: 'security',
    kind: 'digital',
    description: 'Antivirus and ransomware protection for Windows, macOS and Linux.\n\nThe licence key is delivered by email; updates are included for the licence term.',
    variants: [
      { sku: 'LF-ES-1Y-1', name: '1 year, 1 device', priceMinor: 3999, stock: null },
      { sku: 'LF-ES-1Y-5', name: '1 year, 5 devices', priceMinor: 8999, stock: null },
      { sku: 'LF-ES-2Y-5', name: '2 years, 5 devices', priceMinor: 15999, stock: null },
    ],
  },
  {
    slug: 'lanternfish-password-safe',
    name: 'Lanternfish Password Safe',
    vendor: 'lanternfish-software',
    category: 'security',
    kind: 'digital',
    description: 'An encrypted password manager with browser autofill and offline access.',
    variants: [
      { sku: 'LF-PS-PERSONAL', name: 'Personal, 1 year', priceMinor: 2900, stock: null },
      { sku: 'LF-PS-FAMILY', name: 'Family of 6, 1 year', priceMinor: 5900, stock: null },
    ],
  },
  {
    slug: 'lanternfish-mail-filter',
    name: 'Lanternfish Mail Filter',
    vendor: 'lanternfish-software',
    category: 'security',
    kind: 'digital',
    description: 'Spam and phishing filtering for small business mail servers.',
    variants: [
      { sku: 'LF-MF-10', name: '10 mailboxes, 1 year', priceMinor: 24000, stock: null },
      { sku: 'LF-MF-25', name: '25 mailboxes, 1 year', priceMinor: 54000, stock: null },
    ],
  },
  // Software > Productivity
  {
    slug: 'quillstone-office-suite',
    name: 'Quillstone Office Suite',
    vendor: 'quillstone-labs',
    category: 'productivity',
    kind: 'digital',
    description: 'Word processor, spreadsheet and presentations that open common office formats.',
    variants: [
      { sku: 'QS-OFFICE-HOME', name: 'Home, perpetual licence', priceMinor: 14900, stock: null },
      { sku: 'QS-OFFICE-BIZ', name: 'Business, 1 user, 1 year', priceMinor: 9900, stock: null },
    ],
  },
  {
    slug: 'quillstone-notes-pro',
    name: 'Quillstone Notes Pro',
    vendor: 'quillstone-labs',
    category: 'productivity',
    kind: 'digital',
    description: 'Notes with handwriting, tags and end-to-end encrypted sync between your devices.',
    variants: [
      { sku: 'QS-NOTES-1Y', name: '1 year', priceMinor: 2400, stock: null },
      { sku: 'QS-NOTES-PERP', name: 'Perpetual licence', priceMinor: 6900, stock: null },
    ],
  },
  {
    slug: 'quillstone-pdf-studio',
    name: 'Quillstone PDF Studio',
    vendor: 'quillstone-labs',
    category: 'productivity',
    kind: 'digital',
    description: 'Create, edit, sign and redact PDF documents.',
    variants: [
      { sku: 'QS-PDF-STD', name: 'Standard', priceMinor: 7900, stock: null },
      { sku: 'QS-PDF-PRO', name: 'Pro, with redaction and OCR', priceMinor: 14900, stock: null },
    ],
  },
  {
    slug: 'quillstone-project-planner',
    name: 'Quillstone Project Planner',
    vendor: 'quillstone-labs',
    category: 'productivity',
    kind: 'digital',
    description: 'Gantt charts, task boards and time tracking for small teams.',
    variants: [{ sku: 'QS-PLAN-TEAM5', name: 'Team of 5, 1 year', priceMinor: 45000, stock: null }],
  },
  // Hardware > Laptops
  {
    slug: 'corvid-aero-14',
    name: 'Corvid Aero 14',
    vendor: 'corvid-hardware',
    category: 'laptops',
    kind: 'physical',
    description: 'A 14-inch laptop weighing 1.2 kg with a full-day battery.',
    variants: [
      { sku: 'CV-AERO14-I5-16', name: 'Core i5, 16 GB, 512 GB SSD', priceMinor: 109900, stock: 12 },
      { sku: 'CV-AERO14-I7-32', name: 'Core i7, 32 GB, 1 TB SSD', priceMinor: 149900, stock: 5 },
    ],
  },
  {
    slug: 'corvid-workstation-16',
    name: 'Corvid Workstation 16',
    vendor: 'corvid-hardware',
    category: 'laptops',
    kind: 'physical',
    description: 'A 16-inch mobile workstation with a dedicated graphics card for CAD and video work.',
    variants: [
      { sku: 'CV-WS16-64', name: '64 GB, 2 TB SSD', priceMinor: 229900, stock: 3 },
      { sku: 'CV-WS16-128', name: '128 GB, 4 TB SSD', priceMinor: 289900, stock: 0 },
    ],
  },
  {
    slug: 'corvid-student-13',
    name: 'Corvid Student 13',
    vendor: 'corvid-hardware',
    category: 'laptops',
    kind: 'physical',
    description: 'A sturdy 13-inch laptop with a spill-resistant keyboard.',
    variants: [{ sku: 'CV-STU13', name: '8 GB, 256 GB SSD', priceMinor: 64900, stock: 25 }],
  },
  {
    slug: 'corvid-aero-14-2027',
    name: 'Corvid Aero 14 (next model)',
    vendor: 'corvid-hardware',
    category: 'laptops',
    kind: 'physical',
    status: 'draft',
    description: 'Being prepared: not on sale yet, so the storefront does not show it.',
    variants: [{ sku: 'CV-AERO14-NEXT', name: 'Core Ultra 7, 32 GB, 1 TB SSD', priceMinor: 159900, stock: 0 }],
  },
  // Hardware > Networking
  {
    slug: 'corvid-mesh-wifi-6',
    name: 'Corvid Mesh Wi-Fi 6 System',
    vendor: 'corvid-hardware',
    category: 'networking',
    kind: 'physical',
    description: 'Whole-home Wi-Fi 6 from nodes that hand your devices over as you move.',
    variants: [
      { sku: 'CV-MESH6-2', name: '2-pack', priceMinor: 22900, stock: 18 },
      { sku: 'CV-MESH6-3', name: '3-pack', priceMinor: 31900, stock: 9 },
    ],
  },
  {
    slug: 'corvid-8-port-switch',
    name: 'Corvid 8-Port Gigabit Switch',
    vendor: 'corvid-hardware',
    category: 'networking',
    kind: 'physical',
    description: 'An unmanaged, fanless eight-port gigabit switch in a metal case.',
    variants: [{ sku: 'CV-SW8', name: '8 ports', priceMinor: 4999, stock: 40 }],
  },
  {
    slug: 'corvid-business-router',
    name: 'Corvid Business Router',
    vendor: 'corvid-hardware',
    category: 'networking',
    kind: 'physical',
    description: 'A dual-WAN router with VPN, VLANs and a firewall for small offices.',
    variants: [{ sku: 'CV-BR1', name: 'Standard', priceMinor: 18900, stock: 0 }],
  },
  // Hardware > Accessories
  {
    slug: 'cable-adapter-kit',
    name: 'Corvid Travel Cable Kit',
    vendor: 'corvid-hardware',
    category: 'accessories',
    kind: 'physical',
    description: 'USB-C to HDMI, USB-A and Ethernet adapters with two braided cables, in a zipped travel case.',
    variants: [{ sku: 'CV-KIT-CABLE', name: 'Kit', priceMinor: 2499, stock: 60 }],
  },
  {
    slug: 'corvid-usb-c-dock',
    name: 'Corvid USB-C Dock',
    vendor: 'corvid-hardware',
    category: 'accessories',
    kind: 'physical',
    description: 'One cable for two displays, Ethernet, power delivery and four USB ports.',
    variants: [{ sku: 'CV-DOCK-C', name: 'Standard', priceMinor: 17900, stock: 14 }],
  },
  {
    slug: 'corvid-keyboard-mouse',
    name: 'Corvid Wireless Keyboard and Mouse',
    vendor: 'corvid-hardware',
    category: 'accessories',
    kind: 'physical',
    description: 'A quiet full-size keyboard and mouse sharing one receiver.',
    variants: [
      { sku: 'CV-KBM-US', name: 'US layout', priceMinor: 5900, stock: 30 },
      { sku: 'CV-KBM-UK', name: 'UK layout', priceMinor: 5900, stock: 8 },
    ],
  },
  {
    slug: 'corvid-27-4k-monitor',
    name: 'Corvid 27-inch 4K Monitor',
    vendor: 'corvid-hardware',
    category: 'accessories',
    kind: 'physical',
    description: 'A 27-inch 4K IPS monitor with USB-C input and a height-adjustable stand.',
    variants: [{ sku: 'CV-MON27-4K', name: 'Standard', priceMinor: 34900, stock: 7 }],
  },
  // Hardware > Industrial equipment
  {
    slug: 'brightwater-vibration-sensor-vs200',
    name: 'Brightwater Vibration Sensor VS-200',
    vendor: 'brightwater-instruments',
    category: 'industrial',
    kind: 'physical',
    description: 'A battery-powered wireless sensor that reports vibration and temperature of motors and pumps.',
    variants: [{ sku: 'BW-VS200', name: 'Single sensor', priceMinor: 42000, stock: 16 }],
  },
  {
    slug: 'brightwater-edge-gateway-eg1',
    name: 'Brightwater Edge Gateway EG-1',
    vendor: 'brightwater-instruments',
    category: 'industrial',
    kind: 'physical',
    description: 'Collects readings from up to 50 sensors and forwards them over Ethernet or LTE.',
    variants: [{ sku: 'BW-EG1', name: 'Ethernet and LTE', priceMinor: 98000, stock: 6 }],
  },
  // Services > Telecom
  {
    slug: 'ashgrove-mobile-plan',
    name: 'Ashgrove Mobile Plan',
    vendor: 'ashgrove-telecom',
    category: 'telecom',
    kind: 'service',
    description: 'A monthly mobile plan with calls and texts included. Cancel at the end of any month.',
    variants: [
      { sku: 'AG-MOB-5GB', name: 'Essentials, 5 GB', billingPeriod: 'month', priceMinor: 1500, stock: null },
      { sku: 'AG-MOB-UNL', name: 'Unlimited data', billingPeriod: 'month', priceMinor: 4500, stock: null },
    ],
  },
  {
    slug: 'ashgrove-fibre-broadband',
    name: 'Ashgrove Fibre Broadband',
    vendor: 'ashgrove-telecom',
    category: 'telecom',
    kind: 'service',
    description: 'Fibre to the premises with a router included and no data cap.',
    variants: [
      { sku: 'AG-FIBRE-300', name: '300 Mbps', billingPeriod: 'month', priceMinor: 4000, stock: null },
      { sku: 'AG-FIBRE-1000', name: '1 Gbps', billingPeriod: 'month', priceMinor: 6500, stock: null },
    ],
  },
  {
    slug: 'ashgrove-business-line',
    name: 'Ashgrove Business Phone Line',
    vendor: 'ashgrove-telecom',
    category: 'telecom',
    kind: 'service',
    description: 'A cloud phone line with a local number, voicemail and call forwarding.',
    variants: [{ sku: 'AG-LINE-BIZ', name: 'One line', billingPeriod: 'month', priceMinor: 2500, stock: null }],
  },
  // Services > Monitoring
  {
    slug: 'brightwater-remote-monitoring',
    name: 'Brightwater Remote Monitoring',
    vendor: 'brightwater-instruments',
    category: 'monitoring',
    kind: 'service',
    description: 'Brightwater engineers watch your sensor readings and call you before a machine fails.',
    variants: [
      { sku: 'BW-MON-BASIC', name: 'Basic, up to 10 sensors', billingPeriod: 'month', priceMinor: 9900, stock: null },
      { sku: 'BW-MON-PLUS', name: 'Plus, up to 50 sensors', billingPeriod: 'month', priceMinor: 29900, stock: null },
    ],
  },
  {
    slug: 'brightwater-calibration-visit',
    name: 'Brightwater Annual Calibration Visit',
    vendor: 'brightwater-instruments',
    category: 'monitoring',
    kind: 'service',
    description: 'A technician visits once a year to check and calibrate your sensors on site.',
    variants: [{ sku: 'BW-CAL-YEAR', name: 'One visit', priceMinor: 65000, stock: null }],
  },
];
