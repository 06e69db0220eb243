// Order statistics of measured times (milliseconds), as every benchmark prints them.
export const percentile = (xs: readonly number[], p: number): number => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!;

export const median = (xs: readonly number[]): number => percentile(xs, 50);
