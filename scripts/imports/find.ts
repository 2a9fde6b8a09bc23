// Finds the module specifiers a TypeScript file depends on, with the TypeScript compiler's own parser: static
// imports and re-exports (type-only ones included), `import x = require()`, dynamic `import()` and `import('…')`
// types. `resolveRelative` turns a relative specifier into a repository path; package specifiers are not ours.
import { posix } from 'node:path';
import ts from 'typescript';

export interface FoundImport {
  specifier: string;
  /** 1-based line of the import in its file. */
  line: number;
}

function literalText(node: ts.Node | undefined): string | undefined {
  return node && (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node))
    ? node.text
    : undefined;
}

/** The specifier a node imports from, if the node is one of the import forms. */
function specifierOf(node: ts.Node): string | undefined {
  if (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) return literalText(node.moduleSpecifier);
  if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference))
    return literalText(node.moduleReference.expression);
  if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword)
    return literalText(node.arguments[0]);
  if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument))
    return literalText(node.argument.literal);
  return undefined;
}

/** Every import of `text` (the contents of `fileName`), in source order. */
export function findImports(fileName: string, text: string): FoundImport[] {
  const file = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  const found: FoundImport[] = [];
  const visit = (node: ts.Node): void => {
    const specifier = specifierOf(node);
    if (specifier !== undefined) {
      found.push({ specifier, line: file.getLineAndCharacterOfPosition(node.getStart(file)).line + 1 });
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return found;
}

/**
 * The repository path (posix, relative to the root) a relative specifier in `fromFile` names, or undefined for a
 * package specifier (`node:fs`, `pino`).
 */
export function resolveRelative(fromFile: string, specifier: string): string | undefined {
  if (!specifier.startsWith('./') && !specifier.startsWith('../')) return undefined;
  return posix.normalize(posix.join(posix.dirname(fromFile), specifier));
}
