// What a complaint, a reply and a note may hold, from a form or a JSON body. Every problem is
// named at once (a person who typed a long complaint should not fix it one field at a time).
import { checkEmail } from '../../accounts/index.ts';
import { AppError, isAppError, type FieldProblem } from '../../platform/errors.ts';

export const complaintLimits = { name: 200, email: 254, text: 4000, order_number: 40 } as const;
/** The privacy officer's reply or note. */
export const MESSAGE_MAX = 4000;

export interface ComplaintInput {
  name: string;
  email: string;
  text: string;
  /** '' when none was given. */
  orderNumber: string;
}

const ORDER = /^[A-Za-z0-9][A-Za-z0-9 #./-]*$/;
// Line breaks and tabs are part of a message; other control characters are not.
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f]/;
const CONTROL_ONE_LINE = /[\u0000-\u001f\u007f]/;

const str = (value: unknown): string => (typeof value === 'string' ? value : '');

/** A single line (a name, an address): NFKC, trimmed. */
function line(value: unknown): string {
  return str(value).normalize('NFKC').trim();
}

/** Free text: the person's own characters kept (NFC), line breaks as \n, trimmed. */
export function message(value: unknown): string {
  return str(value).replace(/\r\n?/g, '\n').normalize('NFC').trim();
}

function problemsOfText(field: string, value: string, max: number): FieldProblem[] {
  if (value === '') return [{ field, message: 'is required' }];
  if (value.length > max) return [{ field, message: `must be at most ${max.toLocaleString('en-US')} characters (it has ${value.length.toLocaleString('en-US')})` }];
  if (CONTROL.test(value)) return [{ field, message: 'must not hold control characters' }];
  return [];
}

/** The field problems `check` throws, if any (to report them with the others). */
function problemsOf(check: () => unknown): FieldProblem[] {
  try {
    check();
    return [];
  } catch (err) {
    if (isAppError(err) && err.fields.length) return err.fields;
    throw err;
  }
}

function fail(problems: FieldProblem[]): never {
  throw new AppError('VALIDATION_FAILED', problems.map((p) => `${p.field}: ${p.message}`).join('; '), problems);
}

export function complaintFromInput(input: Record<string, unknown>): ComplaintInput {
  const name = line(input.name);
  const email = line(input.email);
  const text = message(input.text);
  const orderNumber = line(input.order_number);
  const problems: FieldProblem[] = [];
  if (name === '') problems.push({ field: 'name', message: 'is required' });
  else if (name.length > complaintLimits.name) problems.push({ field: 'name', message: `must be at most ${complaintLimits.name} characters` });
  else if (CONTROL_ONE_LINE.test(name)) problems.push({ field: 'name', message: 'must not hold control characters' });
  if (email === '') problems.push({ field: 'email', message: 'is required' });
  else problems.push(...problemsOf(() => checkEmail('email', email)));
  problems.push(...problemsOfText('text', text, complaintLimits.text));
  if (orderNumber.length > complaintLimits.order_number) problems.push({ field: 'order_number', message: `must be at most ${complaintLimits.order_number} characters` });
  else if (orderNumber !== '' && !ORDER.test(orderNumber)) problems.push({ field: 'order_number', message: 'must be an order number such as C-100042 (letters, digits and dashes)' });
  if (problems.length) fail(problems);
  return { name, email, text, orderNumber };
}

/** A reply or note of the privacy officer, from the field `field`. */
export function messageFromInput(field: string, value: unknown): string {
  const text = message(value);
  const problems = problemsOfText(field, text, MESSAGE_MAX);
  if (problems.length) fail(problems);
  return text;
}
