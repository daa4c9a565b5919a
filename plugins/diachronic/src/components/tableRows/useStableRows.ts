import { useMemo } from 'react';

/** A row as the Backstage `Table` (material-table) keys it: by its `id`, kept across new data. */
export type Keyed<T> = T & { id: string };

/**
 * Rows with a stable `id`. Without one, the table gives every row a new React key each time its data or
 * columns change, so each poll remounts every row: expanded panels close and focused elements vanish.
 */
export function useStableRows<T extends object>(rows: T[], idOf: (row: T) => string): Keyed<T>[] {
  return useMemo(() => rows.map(row => ({ ...row, id: idOf(row) })), [rows, idOf]);
}
