/**
 * Column layout as kubectl's tabwriter does it (text/tabwriter with minwidth 6, padding 3, padchar ' '): every
 * cell but a row's last is padded to its column's width, max(6, widest cell + 3), counted in characters (code
 * points); the last cell is written as is. Pure.
 */

const MIN_WIDTH = 6;
const PADDING = 3;

const width = (text: string): number => [...text].length;

export function alignColumns(rows: readonly (readonly string[])[]): string[] {
  const widths: number[] = [];
  for (const row of rows) {
    row.forEach((cell, i) => {
      if (i === row.length - 1) return;
      widths[i] = Math.max(widths[i] ?? MIN_WIDTH, width(cell) + PADDING);
    });
  }
  return rows.map((row) =>
    row
      .map((cell, i) => (i === row.length - 1 ? cell : cell + ' '.repeat((widths[i] ?? 0) - width(cell))))
      .join(''),
  );
}
