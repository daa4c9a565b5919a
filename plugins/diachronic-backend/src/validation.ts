/** How input that fails its schema becomes a 400. */
import { InputError } from '@backstage/errors';
import { z } from 'zod';
import { describeIssues } from '@diachronic/contract';

/** Parses or throws a 400 naming each bad field, e.g. `body.percent: must be at most 100`. */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown, where: string): z.output<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  throw new InputError(describeIssues(parsed.error, where));
}
