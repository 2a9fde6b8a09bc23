/** `kovn validate -f FILE|DIR ...`: offline checks of manifests; one line per problem, non-zero exit on any. */
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
  const problems = validateDocuments(documents, errors);
  for (const problem of problems) io.err(formatProblem(problem));
  const objects = documents.length;
  if (problems.length) {
    io.err(
      `${problems.length} problem${problems.length === 1 ? '' : 's'} in ${objects} object${objects === 1 ? '' : 's'}`,
    );
    return 1;
  }
  io.out(`${objects} object${objects === 1 ? '' : 's'} valid`);
  return 0;
}
