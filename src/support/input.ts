// What a support request and a message may hold, from a form or a JSON body. Every problem is
// named at once. Masking (masking.ts) runs after these checks and before anything is stored.
import { checkEmail } from '../accounts/index.ts';
import { AppError, isAppError, type FieldProblem } from '../platform/errors.ts';
import type { ContactChannel } from '../privacy/index.ts';

export const supportLimits = { name: 200, email: 254, phone: 30, order_number: 40, subject: 200, message: 4000 } as const;

export interface TicketInput {
  name: string;
  email: string;
  /** '' when none was given (then replies go by email). */
  phone: string;
  /** '' when none was given. */
  orderNumber: string;
  subject: string;
  message: string;
  replyBy: ContactChannel;
}

const ORDER = /^[A-Za-z0-9][A-Za-z0-9 #./-]*$/;
const PHONE = /^[+0-9 ()./-]{5,30}$/;
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f]/;
const CONTROL_ONE_LINE = /[\u0000-\u001f\u007f]/;

const str = (value: unknown): string => (typeof value === 'string' ? value : '');
const line = (value: unknown): string => str(value).normalize('NFKC').trim();

/** Free text: the person's own characters kept (NFC), line breaks as \n, trimmed. */
export function message(value: unknown): string {
  return str(value).replace(/\r\n?/g, '\n').normalize('NFC').trim();
}

function textProblems(field: string, value: string, max: number): FieldProblem[] {
  if (value === '') return [{ field, message: 'is required' }];
  if (value.length > max) return [{ field, message: `must be at most ${max.toLocaleString('en-US')} characters (it has ${value.length.toLocaleString('en-US')})` }];
  if (CONTROL.test(value)) return [{ field, message: 'must not hold control characters' }];
  return [];
}

function lineProblems(field: string, value: string, max: number, required: boolean): FieldProblem[] {
  if (value === '') return required ? [{ field, message: 'is required' }] : [];
  if (value.length > max) return [{ field, message: `must be at most ${max} characters` }];
  if (CONTROL_ONE_LINE.test(value)) return [{ field, message: 'must not hold control characters' }];
  return [];
}

function fail(problems: FieldProblem[]): never {
  throw new AppError('VALIDATION_FAILED', problems.map((p) => `${p.field}: ${p.message}`).join('; '), problems);
}

export function ticketFromInput(input: Record<string, unknown>): TicketInput {
  const name = line(input.name);
  const email = line(input.email);
  const phone = line(input.phone);
  const orderNumber = line(input.order_number);
  const subject = line(input.subject);
  const text = message(input.message);
  const replyBy = line(input.reply_by) || 'email';
  const problems: FieldProblem[] = [...lineProblems('name', name, supportLimits.name, true)];
  if (email === '') problems.push({ field: 'email', message: 'is required' });
  else {
    try {
      checkEmail('email', email);
    } catch (err) {
      if (!isAppError(err)) throw err;
      problems.push(...err.fields);
    }
  }
  if (replyBy !== 'email' && replyBy !== 'phone') problems.push({ field: 'reply_by', message: 'must be email or phone' });
  if (phone === '' && replyBy === 'phone') problems.push({ field: 'phone', message: 'is required when you want us to call you' });
  else if (phone !== '' && !PHONE.test(phone)) problems.push({ field: 'phone', message: 'must be a phone number: digits, spaces and + ( ) - . / only, 5 to 30 characters' });
  if (orderNumber.length > supportLimits.order_number) problems.push({ field: 'order_number', message: `must be at most ${supportLimits.order_number} characters` });
  else if (orderNumber !== '' && !ORDER.test(orderNumber)) problems.push({ field: 'order_number', message: 'must be an order number such as C-100042 (letters, digits and dashes)' });
  problems.push(...lineProblems('subject', subject, supportLimits.subject, true));
  problems.push(...textProblems('message', text, supportLimits.message));
  if (problems.length) fail(problems);
  return { name, email, phone, orderNumber, subject, message: text, replyBy: replyBy as ContactChannel };
}

/** One message of a thread (a reply, a call's note), from the field `field`. */
export function messageFromInput(field: string, value: unknown): string {
  const text = message(value);
  const problems = textProblems(field, text, supportLimits.message);
  if (problems.length) fail(problems);
  return text;
}
