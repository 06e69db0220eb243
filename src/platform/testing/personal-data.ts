// Personal data for tests that prove it never reaches logs, errors or responses, and the search
// that finds any of it (whole, without spaces, form- or URL-encoded, or as a bare digit run).

export const personalData = {
  email: 'philippa.quarrington@example.com',
  name: 'Philippa Quarrington',
  phone: '+44 20 7946 0958',
  street: '221B Baker Street',
  password: 'correct-horse-77-staple',
  card: '4111 1111 1111 1111',
  iban: 'DE89 3704 0044 0532 0130 00',
  bankAccount: '000123456789',
} as const;

export type PersonalField = keyof typeof personalData;

function formsOf(value: string): string[] {
  const forms = new Set([value, value.replace(/\s+/g, ''), value.replace(/\s+/g, '+'), value.replace(/\s+/g, '-'), encodeURIComponent(value)]);
  const digits = value.replace(/\D/g, '');
  if (digits.length >= 7) forms.add(digits);
  return [...forms].map((f) => f.toLowerCase());
}

// Parts that give a person away on their own.
const fragments: Partial<Record<PersonalField, string[]>> = {
  email: ['philippa.quarrington'],
  name: ['philippa', 'quarrington'],
  street: ['baker street', 'baker+street', 'baker%20street'],
  password: ['horse-77'],
};

const searched = Object.entries(personalData).map(([field, value]) => ({
  field,
  forms: [...formsOf(value), ...(fragments[field as PersonalField] ?? [])],
}));

/** Every personal value (by field name and the form found) that occurs in `text`. */
export function findPersonalData(text: string): string[] {
  const haystack = text.toLowerCase();
  return searched.flatMap(({ field, forms }) => forms.filter((f) => haystack.includes(f)).map((f) => `${field}: ${f}`));
}
