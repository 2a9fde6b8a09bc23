/**
 * The machine-wide claim of a lab id: one file per id (`layout.claimFile`, `/run/kovn/labs/<id>.json`) naming the
 * lab home that holds the id. A lab's namespaces are named after its id alone (`<id>-ul`, `<id>-n-<node>`...), so two
 * homes with one id would share them; the claim says whose they are. `kovn up` takes it before it creates anything
 * (created with O_EXCL, so of two racing `up`s one wins), `kovn down` releases it. A claim whose lab is dead is
 * released by the `up` that removes that lab's leftovers (leftovers.ts); a claim that cannot be read names no home
 * and counts as absent. Files only.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { LabLayout } from '../layout.ts';

export interface LabClaim {
  id: string;
  /** The lab home holding the id. */
  home: string;
}

type ClaimPlace = Pick<LabLayout, 'id' | 'home' | 'claimFile'>;

/** The claim on this lab's id, if there is a readable one. */
export function readClaim(layout: ClaimPlace): LabClaim | undefined {
  let data: Partial<LabClaim>;
  try {
    data = JSON.parse(readFileSync(layout.claimFile, 'utf8')) as Partial<LabClaim>;
  } catch {
    return undefined;
  }
  return typeof data.home === 'string' && data.home !== '' ? { id: layout.id, home: data.home } : undefined;
}

/**
 * Claims the id for `layout.home`: `taken` when it now names this home (or already did), else the claim another
 * home holds. An unreadable claim file is replaced.
 */
export function takeClaim(layout: ClaimPlace): 'taken' | LabClaim {
  const text = `${JSON.stringify({ id: layout.id, home: layout.home })}\n`;
  mkdirSync(dirname(layout.claimFile), { recursive: true });
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      writeFileSync(layout.claimFile, text, { flag: 'wx' });
      return 'taken';
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const held = readClaim(layout);
    if (held) return held.home === layout.home ? 'taken' : held;
    rmSync(layout.claimFile, { force: true }); // unreadable: names nobody
  }
  throw new Error(`cannot claim lab id ${layout.id}: ${layout.claimFile} keeps reappearing unreadable`);
}

/** Removes the claim if it names `home` (default: this lab's); a claim another home took meanwhile stays. */
export function releaseClaim(layout: ClaimPlace, home: string = layout.home): void {
  if (readClaim(layout)?.home === home) rmSync(layout.claimFile, { force: true });
}
