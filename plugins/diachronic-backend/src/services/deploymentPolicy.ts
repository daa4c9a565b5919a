/**
 * What a deployment runs with: the built-in defaults, then the configured defaults, then the family's
 * policy, then the request. The guards (health gate, upgrade dry run, waves) are on unless a layer turns
 * them off, and each layer changes them field by field; every other option is taken whole.
 */
import { z } from 'zod';
import { DeploymentOptions, deploymentOptionsSchema } from '@diachronic/contract';

/** A layer of options as configuration gives it (defaults, a family): any option, each checked as in a request. */
export const deploymentPolicySchema = deploymentOptionsSchema.partial();
export type DeploymentPolicy = z.infer<typeof deploymentPolicySchema>;

const GUARDS = ['gate', 'upgradeDryRun', 'waves'] as const;

/** Without any configuration: no dark wait, nonmigratory, and every guard on with its defaults. */
const BUILT_IN: DeploymentPolicy = { dark: false, migratory: false, gate: {}, upgradeDryRun: {}, waves: {} };

/** Drops the keys whose value is undefined, so that they do not count as given. */
export function given<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

export function effectiveOptions(layers: DeploymentPolicy[]): Partial<DeploymentOptions> {
  const all = [BUILT_IN, ...layers].map(given);
  const options: DeploymentPolicy = Object.assign({}, ...all);
  for (const guard of GUARDS) {
    Object.assign(options, { [guard]: Object.assign({}, ...all.map(layer => given(layer[guard] ?? {}))) });
  }
  return options;
}
