/**
 * What a deployment runs with: the built-in defaults, then the configured defaults, then the family's
 * policy, then the request. The guards (health gate, upgrade dry run, waves) are on unless a layer turns
 * them off, and each layer changes them field by field; every other option is taken whole. A policy may
 * lock options: a request may then not change them.
 */
import { InputError } from '@backstage/errors';
import { z } from 'zod';
import {
  DEFAULT_CLEANUP_POLL_MS,
  DEFAULT_DRAIN_GUARD_MS,
  DEFAULT_STRAGGLER_AFTER_MS,
  DEFAULT_SWEEP_INTERVAL_MS,
  DeploymentOptions,
  defaultSchedule,
  deploymentOptionsSchema,
  resolveHealthGate,
  resolveMigrationWaves,
  resolveUpgradeDryRun,
} from '@diachronic/contract';
import type { FamilyPolicy, PolicySetting, PolicySource } from '@diachronic/backstage-plugin-diachronic-common';

const optionKeySchema = deploymentOptionsSchema.keyof();
type OptionKey = z.infer<typeof optionKeySchema>;

/** A layer of options as configuration gives it (defaults, a family): any option, each checked as in a request. */
export const deploymentPolicySchema = deploymentOptionsSchema.partial().extend({
  /** Options a request may not change: a request that sets one to another value is refused. */
  locked: z.array(optionKeySchema).optional(),
});
export type DeploymentPolicy = z.infer<typeof deploymentPolicySchema>;

const GUARDS = ['gate', 'upgradeDryRun', 'waves'] as const;
type Guard = (typeof GUARDS)[number];
const isGuard = (key: string): key is Guard => (GUARDS as readonly string[]).includes(key);

/** Without any configuration: no dark wait, nonmigratory, and every guard on with its defaults. */
const BUILT_IN: Partial<DeploymentOptions> = { dark: false, migratory: false, gate: {}, upgradeDryRun: {}, waves: {} };

/** What the worker uses for an option nobody sets, for showing the policy. */
const BUILT_IN_VALUES: Partial<Record<OptionKey, unknown>> = {
  dark: false,
  migratory: false,
  schedule: defaultSchedule(),
  sweepIntervalMs: DEFAULT_SWEEP_INTERVAL_MS,
  drainGuardMs: DEFAULT_DRAIN_GUARD_MS,
  cleanupPollMs: DEFAULT_CLEANUP_POLL_MS,
  stragglerAfterMs: DEFAULT_STRAGGLER_AFTER_MS,
  queue: 'all',
  windows: [],
};

/** A guard's settings with every default filled in, or only `enabled: false` when a layer turned it off. */
const RESOLVE: Record<Guard, (value: never) => object | undefined> = {
  gate: resolveHealthGate,
  upgradeDryRun: resolveUpgradeDryRun,
  waves: resolveMigrationWaves,
};

/** Drops the keys whose value is undefined, so that they do not count as given. */
export function given<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

interface Layer {
  source: PolicySource;
  options: Partial<DeploymentOptions>;
}

function merge(layers: Layer[]): Partial<DeploymentOptions> {
  const all = [BUILT_IN, ...layers.map(layer => layer.options)].map(given);
  const options: Partial<DeploymentOptions> = Object.assign({}, ...all);
  for (const guard of GUARDS) {
    Object.assign(options, { [guard]: Object.assign({}, ...all.map(layer => given(layer[guard] ?? {}))) });
  }
  return options;
}

/** The last layer that sets `key` (and, for a guard, its `field`). */
function sourceOf(layers: Layer[], key: OptionKey, field?: string): PolicySource {
  for (let i = layers.length - 1; i >= 0; i--) {
    const value = layers[i].options[key];
    if (value === undefined) continue;
    if (field === undefined || (value as Record<string, unknown>)[field] !== undefined) return layers[i].source;
  }
  return 'built-in';
}

/** Every setting a deployment runs with, each with where its value came from. */
export function describeSettings(layers: Layer[]): PolicySetting[] {
  const options = merge(layers);
  const settings: PolicySetting[] = [];
  for (const key of optionKeySchema.options) {
    if (isGuard(key)) {
      const resolved = RESOLVE[key](options[key] as never);
      settings.push({ key: `${key}.enabled`, value: resolved !== undefined, source: sourceOf(layers, key, 'enabled') });
      for (const [field, value] of Object.entries(resolved ?? {})) {
        settings.push({ key: `${key}.${field}`, value, source: sourceOf(layers, key, field) });
      }
    } else {
      const value = options[key] ?? BUILT_IN_VALUES[key];
      if (value !== undefined) settings.push({ key, value, source: sourceOf(layers, key) });
    }
  }
  return settings;
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** The configured defaults and per-family policies, as every deployment request meets them. */
export class DeploymentPolicies {
  constructor(
    private readonly defaults: DeploymentPolicy,
    private readonly families: ReadonlyMap<string, DeploymentPolicy>,
  ) {}

  private layers(family: string): Layer[] {
    const { locked: _defaultLocks, ...defaults } = this.defaults;
    const { locked: _familyLocks, ...own } = this.families.get(family) ?? {};
    return [
      { source: 'default', options: defaults },
      { source: 'family', options: own },
    ];
  }

  /** Options a request may not change: the family's list, else the defaults'. */
  private locked(family: string): OptionKey[] {
    return this.families.get(family)?.locked ?? this.defaults.locked ?? [];
  }

  /** The options a request runs with; a request that changes a locked option is refused, naming it. */
  optionsFor(family: string, request: Partial<DeploymentOptions>): Partial<DeploymentOptions> {
    const layers = this.layers(family);
    const policy = merge(layers);
    for (const key of this.locked(family)) {
      const asked = request[key];
      if (asked === undefined) continue;
      const changes = isGuard(key) ? !same({ ...policy[key], ...given(asked as object) }, policy[key]) : !same(asked, policy[key]);
      if (changes) throw new InputError(`options.${key}: the policy of family ${family} does not let a request change it`);
    }
    return merge([...layers, { source: 'request', options: request }]);
  }

  /**
   * What the Rollout tab shows: every setting of the family's deployments, where it comes from, and what is
   * locked; with the options of a running deployment, the settings its request changed.
   */
  describe(family: string, running?: Partial<DeploymentOptions>): FamilyPolicy {
    const layers = this.layers(family);
    const settings = describeSettings(layers);
    const policy: FamilyPolicy = { settings, locked: this.locked(family) };
    if (!running) return policy;
    const asPolicy = new Map(settings.map(setting => [setting.key, setting.value]));
    const changed = describeSettings([...layers, { source: 'request', options: running }]).filter(
      setting => !same(setting.value, asPolicy.get(setting.key)),
    );
    return { ...policy, deployment: changed.map(setting => ({ ...setting, source: 'request' as const })) };
  }
}
