// Answering no sooner than a floor, so "has an account" and "has none" take the same time.

export async function atLeast(startedAt: number, ms: number): Promise<void> {
  const wait = startedAt + ms - performance.now();
  if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
}

// Above the slowest path of sign-up and reset requests on a loaded small server.
export const UNIFORM_ANSWER_MS = 400;
