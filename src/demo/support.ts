// The demo shop's support tickets: one from a visitor who typed a card number (masked when it was
// stored, as every message is) and wants a phone call, and one from the demo customer, in their
// account inbox. Loaded by the support module when the shop starts with DEMO_DATA on.
export interface DemoTicket {
  /** null: the demo customer, signed in; otherwise a visitor without an account. */
  visitor: { name: string; email: string; phone: string } | null;
  subject: string;
  message: string;
  orderNumber: string;
  replyBy: 'email' | 'phone';
}

export const demoSupportTickets: readonly DemoTicket[] = [
  {
    visitor: { name: 'Marguerite Halloway', email: 'marguerite.halloway@example.net', phone: '+1 503 555 0186' },
    subject: 'Charged twice for my router',
    message: 'Hello, my card 4111 1111 1111 1111 was charged twice for the same router order. Could someone call me about the refund?',
    orderNumber: '',
    replyBy: 'phone',
  },
  {
    visitor: null,
    subject: 'Licence key for a second computer',
    message: 'Can I use the VPN licence I bought on my laptop as well as my desktop, or do I need a second key?',
    orderNumber: '',
    replyBy: 'email',
  },
];
