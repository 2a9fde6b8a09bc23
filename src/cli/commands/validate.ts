/**
 * `kovn validate -f FILE|DIR ...`: offline checks of manifests; one line per error or warning (a warning is what the
 * API server accepts and kubectl prints as `Warning: ...`); exit 1 on any error, 0 with warnings only.
 */
import { existsSync } from 'node:fs';
import { loadManifests } from '../../manifest/load.ts';
import { formatProblem, validateDocuments } from '../../manifest/validate.ts';

export interface CommandIo {
  out(line: string): void;
  err(line: string): void;
}

export function validateCommand(files: readonly string[], io: CommandIo): number {
  if (!files.length) {
    io.err('kovn validate: give one or more -f FILE|DIR');
    return 2;
  }
  const missing = files.filter((f) => !existsSync(f));
  if (missing.length) {
    for (const f of missing) io.err(`kovn validate: ${f}: no such file or directory`);
    return 2;
  }
  const { documents, errors } = loadManifests(files);
  const found = validateDocuments(documents, errors);
  for (const problem of found) io.err(formatProblem(problem));
  const objects = plural(documents.length, 'object');
  const problems = found.filter((p) => p.severity === 'error').length;
  const warnings = found.length - problems;
  const noted = warnings ? ` (${plural(warnings, 'warning')})` : '';
  if (problems) {
    io.err(`${plural(problems, 'problem')} in ${objects}${noted}`);
    return 1;
  }
  io.out(`${objects} valid${noted}`);
  return 0;
}

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;
