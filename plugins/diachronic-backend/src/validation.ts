/** Input schemas shared by the router and the webhook, and how their failures read. */
import { InputError } from '@backstage/errors';
import { z } from 'zod';

/** Parses or throws a 400 naming the first bad field, e.g. `body.percent: Number must be less than or equal to 100`. */
export function parseInput<T>(schema: z.ZodType<T, z.ZodTypeDef, unknown>, value: unknown, where: string): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map(issue => {
    const field = [where, ...issue.path].join('.');
    return `${field}: ${issue.message}`;
  });
  throw new InputError(problems.join('; '));
}

export const scheduleSchema = z
  .array(
    z.object({
      percent: z.number().int().min(1).max(100),
      pauseMs: z.number().int().min(0),
    }),
  )
  .min(1)
  .max(100);
