// What a password must be. Customers: at least 10 characters and not guessable; staff (P002-20):
// at least 14 characters, a higher strength score, and a new one every STAFF_PASSWORD_MAX_AGE_DAYS.
// The strength check is an estimate of guesses, not a set of composition rules: a long passphrase
// of lower-case words passes, "Password1!" does not.

export const MAX_PASSWORD_LENGTH = 256;

export interface PasswordRules {
  minLength: number;
  /** Minimum estimated strength in bits. */
  minBits: number;
}

export const customerRules: PasswordRules = { minLength: 10, minBits: 40 };
export const staffRules: PasswordRules = { minLength: 14, minBits: 60 };

// The most used passwords and words that make up most of the rest; a password built mostly of
// these is weak whatever its length.
const common = new Set(
  `password passw0rd p@ssword letmein welcome qwerty qwertyuiop asdfgh asdfghjkl zxcvbnm iloveyou admin administrator login
  monkey dragon master sunshine princess football baseball shadow superman batman trustno1 starwars whatever freedom
  secret abc123 abcdef abcdefg 123456 1234567 12345678 123456789 1234567890 111111 000000 654321 123123 qazwsx
  changeme default custodian shop store customer account summer winter spring autumn hello charlie michael jordan`
    .split(/\s+/)
    .filter(Boolean),
);

function poolSize(password: string): number {
  let pool = 0;
  if (/[a-z]/.test(password)) pool += 26;
  if (/[A-Z]/.test(password)) pool += 26;
  if (/[0-9]/.test(password)) pool += 10;
  if (/[^a-zA-Z0-9]/.test(password)) pool += 33;
  return Math.max(pool, 1);
}

/** Characters that add little: runs of one character, sequences (abc, 123), keyboard rows. */
function predictableRuns(password: string): number {
  const lower = password.toLowerCase();
  let predictable = 0;
  for (let i = 1; i < lower.length; i++) {
    const d = lower.charCodeAt(i) - lower.charCodeAt(i - 1);
    if (d === 0 || d === 1 || d === -1) predictable++;
  }
  return predictable;
}

/** An estimate of the password's strength in bits. */
export function strengthBits(password: string, personal: readonly string[] = []): number {
  let text = password.toLowerCase();
  // Known words and the person's own name or email count as a single cheap guess each.
  let penalties = 0;
  for (const word of [...common, ...personal.map((p) => p.toLowerCase()).filter((p) => p.length >= 3)]) {
    if (text.includes(word)) {
      text = text.split(word).join('');
      penalties += 1;
    }
  }
  const effective = Math.max(0, text.length - predictableRuns(text) * 0.75);
  return effective * Math.log2(poolSize(password)) + penalties * 10;
}

/** What is wrong with the password, or null when it is acceptable. */
export function passwordProblem(password: string, rules: PasswordRules, personal: readonly string[] = []): string | null {
  if (password.length < rules.minLength) return `must be at least ${rules.minLength} characters`;
  if (password.length > MAX_PASSWORD_LENGTH) return `must be at most ${MAX_PASSWORD_LENGTH} characters`;
  if (common.has(password.toLowerCase())) return 'is one of the most used passwords';
  const parts = personal.flatMap((p) => p.toLowerCase().split(/[@.\s_+-]+/)).filter((p) => p.length >= 3);
  if (strengthBits(password, parts) < rules.minBits) return 'is too easy to guess: use a longer phrase of unrelated words';
  return null;
}

/** Staff passwords older than this must be changed before the console opens again (P002-20). */
export const STAFF_PASSWORD_MAX_AGE_DAYS = 90;

export function passwordExpired(changedAt: Date, now: Date, maxAgeDays: number = STAFF_PASSWORD_MAX_AGE_DAYS): boolean {
  return now.getTime() - changedAt.getTime() > maxAgeDays * 86_400_000;
}
