/**
 * The chaos run's kill schedule, from a seed alone (pure): which victim is killed at which offset from the start of
 * the storm. The same seed and parameters give the same schedule, so a failing run can be replayed. Every victim is
 * killed once (in a seeded order) before any is killed twice, when there are at least as many kills as victims; a
 * victim is not killed again within `perVictimGapMs` of its last kill, so the lab's supervisor, which marks a
 * component failed after several short runs in a row, always sees a healthy run between two kills.
 */

export interface Kill {
  /** Offset from the start of the storm, in ms. */
  atMs: number;
  victim: string;
}

export interface ScheduleOptions {
  seed: number;
  kills: number;
  victims: readonly string[];
  /** The kills are spread over about this long. */
  durationMs: number;
  /** The first kill is not before this offset. */
  startMs?: number;
  /** Two kills of the same victim are at least this far apart (default 12 s). */
  perVictimGapMs?: number;
  /** Any two kills are at least this far apart (default 500 ms). */
  minGapMs?: number;
}

/** A small seeded generator (mulberry32): numbers in [0, 1). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function shuffled<T>(items: readonly T[], next: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

export function killSchedule(o: ScheduleOptions): Kill[] {
  if (o.kills <= 0 || o.victims.length === 0) return [];
  const next = seededRandom(o.seed);
  const perVictim = o.perVictimGapMs ?? 12_000;
  const minGap = o.minGapMs ?? 500;
  const mean = Math.max(minGap, o.durationMs / o.kills);
  const firstRound = shuffled(o.victims, next);
  const last = new Map<string, number>();
  const out: Kill[] = [];
  let t = o.startMs ?? 0;
  for (let i = 0; i < o.kills; i++) {
    // Gaps uniform in [minGap, 2*mean - minGap]: their mean is `mean`, so the kills span about durationMs.
    if (i > 0) t += Math.round(minGap + next() * (2 * mean - 2 * minGap));
    let victim: string;
    if (i < firstRound.length) victim = firstRound[i]!;
    else {
      const free = o.victims.filter((v) => t - (last.get(v) ?? -Infinity) >= perVictim);
      if (free.length) victim = free[Math.floor(next() * free.length)]!;
      else {
        // Nobody may be killed yet: wait for the victim whose gap ends first.
        victim = [...o.victims].sort((a, b) => last.get(a)! - last.get(b)! || a.localeCompare(b))[0]!;
        t = last.get(victim)! + perVictim;
      }
    }
    last.set(victim, t);
    out.push({ atMs: t, victim });
  }
  return out;
}

/** The schedule as printed lines (`+12.3 s  central/nb`). */
export function formatSchedule(kills: readonly Kill[]): string[] {
  return kills.map(
    (k, i) => `  #${String(i + 1).padStart(2)} +${(k.atMs / 1000).toFixed(1).padStart(6)} s  ${k.victim}`,
  );
}
