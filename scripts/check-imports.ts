// Checks the import graph of src/ (scripts/imports/rules.ts): no file or folder cycle, only src/cli imports
// src/controller, nothing imports test/, every import between folders allowed by the layer table
// (scripts/imports/layers.ts). Prints each problem on its own line and exits 1 if there is any.
// Usage: node scripts/check-imports.ts
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { findImports, resolveRelative } from './imports/find.ts';
import { controllerImporters, layers } from './imports/layers.ts';
import { checkImports, type ImportEdge } from './imports/rules.ts';

const root = resolve(import.meta.dirname, '..');

function sourceFiles(dir: string): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true })
    .sort((a, b) => a.name.localeCompare(b.name))
    .flatMap((entry) => {
      const path = `${dir}/${entry.name}`;
      if (entry.isDirectory()) return sourceFiles(path);
      return entry.name.endsWith('.ts') ? [path] : [];
    });
}

const files = sourceFiles('src');
const edges: ImportEdge[] = files.flatMap((from) =>
  findImports(from, readFileSync(join(root, from), 'utf8')).flatMap(({ specifier, line }) => {
    const to = resolveRelative(from, specifier);
    return to === undefined ? [] : [{ from, to, line }];
  }),
);
const problems = checkImports(files, edges, { layers, controllerImporters });
for (const p of problems) console.error(p.message);
console.log(
  `imports: ${files.length} files in src/, ${edges.length} relative imports, ${problems.length} problems`,
);
if (problems.length > 0) process.exitCode = 1;
