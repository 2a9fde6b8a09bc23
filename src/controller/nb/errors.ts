/**
 * Expected NB planning and sending failures, as classes a reconciler can branch on: a foreign row already holds a
 * name we need (a user must resolve it), a parent row is not there yet (retry later: its owner has not reconciled),
 * and a write that matched no row because the cache was behind (retry with the fresher cache).
 */

/** A row we would insert is named like a row we do not own. */
export class NbConflictError extends Error {
  readonly table: string;
  readonly rowName: string;
  constructor(table: string, name: string, owner: string, holder: string | undefined) {
    super(
      `${table} ${name} already exists and is ${holder ? `owned by ${holder}` : 'not managed by kovn'}; ` +
        `${owner} cannot create it (delete or rename the existing row)`,
    );
    this.name = 'NbConflictError';
    this.table = table;
    this.rowName = name;
  }
}

/** The parent row (router or switch) a new row must be linked into is absent (or ambiguous). */
export class MissingParentError extends Error {
  readonly table: string;
  readonly parentName: string;
  constructor(table: string, name: string, childTable: string, found: number) {
    super(
      found === 0
        ? `${table} ${name} does not exist yet (needed for a ${childTable})`
        : `${found} rows of ${table} are named ${name}; cannot tell which one holds the ${childTable}`,
    );
    this.name = 'MissingParentError';
    this.table = table;
    this.parentName = name;
  }
}

/** An update/mutate/delete by UUID matched nothing: the row changed under us; reconcile again. */
export class StaleCacheError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'StaleCacheError';
  }
}
