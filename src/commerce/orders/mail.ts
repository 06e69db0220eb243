// The order status mail (P000-05): one per status change, queued in the transition's transaction.
// The outbox holds only the order number, the status and a link; the carrier and tracking number
// are read through the kernel (under the order's ref, purpose order-status) when the mail is sent.
import type { Db } from '../../platform/db/database.ts';
import { mailLayout, type MailTemplate, queueMail, type TemplateInput } from '../../comms/index.ts';
import { html } from '../../web/template.ts';
import { orderRef } from './deps.ts';
import { reasonWording, type OrderReason } from './reasons.ts';
import { statusLabels, type OrderStatus } from './states.ts';

export const STATUS_TEMPLATE = 'orders.status';
export const SHIPMENT_CATEGORY = 'user.behavior.purchase_history';

const whatNext: Record<OrderStatus, string> = {
  pending_payment: 'We are waiting for your payment. Once it arrives we prepare your order.',
  paid: 'We have your payment and will prepare your order next.',
  fulfilling: 'We are preparing your order. We will write again when it leaves us.',
  shipped: 'Your order is on its way. The carrier delivers it in the next few days.',
  delivered: 'Your order has been delivered. If anything is wrong with it, answer this mail.',
  completed: 'Your order is complete. Thank you for shopping with us.',
  on_hold: 'Your order is paused while we check something. We will write again when it moves on; there is nothing you need to do.',
  cancelled: 'Your order is cancelled. If you paid, the amount goes back to the way you paid.',
  refunded: 'We have refunded your order to the way you paid. It may take a few days to show.',
};

/** The shipment details kept as a kernel item under `order:<id>`. */
export interface Shipment {
  carrier: string;
  tracking: string;
}

export function shipmentOf(value: unknown): Shipment | null {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return null;
  const { carrier, tracking } = value as Record<string, unknown>;
  return typeof carrier === 'string' && typeof tracking === 'string' ? { carrier, tracking } : null;
}

export const statusTemplate: MailTemplate = {
  name: STATUS_TEMPLATE,
  params: ['number', 'status', 'next', 'orderUrl', 'reason'],
  render: ({ params, personal, shop }: TemplateInput) => {
    const status = statusLabels[params.status as OrderStatus] ?? String(params.status);
    const shipment = shipmentOf(personal[SHIPMENT_CATEGORY]);
    // The outbox holds the reason's code; the buyer reads its wording (reasons.ts).
    const reason = reasonWording(typeof params.reason === 'string' ? params.reason : null);
    const lines = [
      `Your order ${String(params.number)} at ${shop.name} is now: ${status}.`,
      '',
      String(params.next),
      ...(reason ? ['', `Reason: ${reason}`] : []),
      ...(shipment ? ['', `Carrier: ${shipment.carrier}`, `Tracking number: ${shipment.tracking}`] : []),
      '',
      `See your order: ${String(params.orderUrl)}`,
    ];
    const subject = `Order ${String(params.number)}: ${status}`;
    return {
      subject,
      text: `${lines.join('\n')}\n`,
      html: mailLayout(
        shop,
        subject,
        html`<p>Your order <strong>${String(params.number)}</strong> at ${shop.name} is now: <strong>${status}</strong>.</p>
<p>${String(params.next)}</p>
${reason ? html`<p>Reason: ${reason}</p>` : ''}
${shipment ? html`<p>Carrier: ${shipment.carrier}<br>Tracking number: ${shipment.tracking}</p>` : ''}
<p><a href="${String(params.orderUrl)}">See your order</a></p>`,
      ),
    };
  },
};

export function orderUrl(publicUrl: string, number: string): string {
  return new URL(`/account/orders/${number}`, publicUrl).toString();
}

/** Queues the status mail of one transition (idempotent per transition). */
export async function queueStatusMail(
  db: Db,
  o: { orderId: string; number: string; subject: string; status: OrderStatus; transitionId: string; publicUrl: string; reason: OrderReason | null; withShipment: boolean },
): Promise<string> {
  return queueMail(db, {
    subject: o.subject,
    purpose: 'order-status',
    template: statusTemplate,
    params: { number: o.number, status: o.status, next: whatNext[o.status], orderUrl: orderUrl(o.publicUrl, o.number), reason: o.reason ?? '' },
    personal: o.withShipment ? [SHIPMENT_CATEGORY] : [],
    personalRef: orderRef(o.orderId),
    idempotencyKey: `orders.status:${o.transitionId}`,
  });
}
