// A small seeded PRNG (mulberry32) so randomised suites reproduce: print the seed, pass it back via an env var.

export interface Random {
  /** Uniform in [0, 1). */
  next: () => number;
  /** Integer in [0, n). */
  int: (n: number) => number;
  chance: (p: number) => boolean;
  pick: <T>(items: readonly T[]) => T;
}

export function seededRandom(seed: number): Random {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  return { next, int, chance: (p) => next() < p, pick: (items) => items[int(items.length)] };
}

/** The seed from an env var (to replay a failure) or a fresh one. */
export function seedFrom(envName: string): number {
  const raw = process.env[envName];
  return raw ? Number(raw) >>> 0 : Math.floor(Math.random() * 2 ** 32);
}
