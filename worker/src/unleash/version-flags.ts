/** The registry of versions, kept in Unleash: one flag per version, its metadata in the description. */
import {
  AbortMark,
  Actor,
  DARK_STRATEGY_TITLE,
  LIVE_STRATEGY_TITLE,
  VersionFlagMetadata,
  VersionRef,
  assertFamily,
  assertVersionId,
  encodeFlagMetadata,
  versionFlagMetadata,
  versionFlagName,
  versionTaskQueue,
} from '@diachronic/contract';
import { mayRouteTo } from '@diachronic/routing';
import { FeatureDetails, FeatureSearchPage, FeatureStrategy, PAGE_SIZE } from './admin-api';
import { UnleashAdminClient, UnleashApiError } from './admin-client';
import { LiveChange, eventOfWrite, lastLivePercentChange, liveChangesAfter } from './live-strategy-events';
import { darkStrategy, effectivePercent, liveStrategy } from './strategies';

/** One version of a family as its flag stands in Unleash. */
export interface VersionFlag extends VersionRef {
  archived: boolean;
  aborted?: AbortMark;
  /** The live rollout; 0 when the live strategy is missing or disabled. */
  livePercent: number;
  darkEnabled: boolean;
  /** The flag's environment is on. */
  enabled: boolean;
  sha?: string;
}

/** A deployment of a version whose flag was archived: its worker is gone, so it can never route again. */
export class ArchivedVersionError extends Error {
  constructor(readonly family: string, readonly versionId: string, readonly flag: string) {
    super(`version ${versionId} of family ${family} was archived (flag ${flag}); deploy a new version`);
    this.name = 'ArchivedVersionError';
  }
}

/** What the flag operations need: the flag's name. A VersionFlag or a VersionRef will do. */
export type FlagRef = Pick<VersionFlag, 'flag'>;

/**
 * `eventId`: for a compare-and-set write, the event Unleash recorded for it (where a later look for
 * someone else's changes starts), when the event log shows it.
 */
export type SetLivePercentResult = { ok: true; eventId?: number } | { ok: false; seen: number };

interface FamilyFlag {
  name: string;
  meta: VersionFlagMetadata;
  archived: boolean;
}

function versionFields({ name, meta }: Pick<FamilyFlag, 'name' | 'meta'>) {
  return {
    family: meta.family,
    versionId: meta.versionId,
    seq: meta.seq,
    taskQueue: meta.taskQueue,
    flag: name,
    ...(meta.aborted && { aborted: meta.aborted }),
    ...(meta.sha && { sha: meta.sha }),
  };
}

function assertPercent(percent: number, flag: string): void {
  if (!Number.isInteger(percent) || percent < 0 || percent > 100) {
    throw new Error(`live percentage for flag ${flag} must be an integer from 0 to 100, got ${percent}`);
  }
}

function isTestOperationFailure(error: unknown): boolean {
  return error instanceof UnleashApiError && error.status === 500 && error.body.includes('Test operation failed');
}

/** Every method is safe to retry. */
export class VersionFlags {
  constructor(private readonly client: UnleashAdminClient) {}

  /**
   * The flag of a version, created with live 0% and dark on if it does not exist yet. An existing flag
   * keeps its seq and percentages. Creation takes several calls; a retry after a failure in between
   * completes the flag: it adds a missing Diachronic strategy and turns the environment on.
   */
  async ensureVersionFlag({
    family,
    versionId,
    sha,
    rollback = false,
  }: {
    family: string;
    versionId: string;
    sha?: string;
    /** A version retired before, deployed again: it gets a new flag with a new seq. */
    rollback?: boolean;
  }): Promise<{ flag: VersionFlag; created: boolean }> {
    assertFamily(family);
    assertVersionId(versionId);
    const flags = await this.findFamilyFlags(family, true);
    // A version rolled back to has several flags: the newest is the one in use.
    const existing = flags.findLast(f => f.meta.versionId === versionId);
    if (existing?.archived && !rollback) throw new ArchivedVersionError(family, versionId, existing.name);
    let name = existing && !existing.archived ? existing.name : undefined;
    const created = name === undefined;
    if (name === undefined) {
      const seq = 1 + Math.max(-1, ...flags.map(f => f.meta.seq));
      name = versionFlagName(family, seq, versionId);
      const meta: VersionFlagMetadata = {
        diachronic: 1,
        family,
        seq,
        versionId,
        taskQueue: versionTaskQueue(family, versionId),
        ...(sha && { sha }),
      };
      await this.client.request('POST', this.featuresPath(), {
        name,
        type: 'release',
        description: encodeFlagMetadata(meta),
      });
    }
    return { flag: await this.completeFlag(name, family), created };
  }

  /** Whether the version had a flag, and whether all of its flags are archived (it was retired). */
  async versionRetired(family: string, versionId: string): Promise<{ known: boolean; retired: boolean }> {
    const flags = (await this.findFamilyFlags(family, true)).filter(f => f.meta.versionId === versionId);
    return { known: flags.length > 0, retired: flags.length > 0 && flags.every(f => f.archived) };
  }

  /** The family's versions, oldest first. */
  async listVersions(family: string, { includeArchived = false } = {}): Promise<VersionFlag[]> {
    const flags = await this.findFamilyFlags(family, includeArchived);
    return Promise.all(flags.map(f => this.load(f)));
  }

  /** The version traffic falls back to from the one with `seq`: newest lower seq not archived or aborted. */
  async previousVersion(family: string, seq: number): Promise<VersionFlag | null> {
    const candidates = (await this.listVersions(family)).filter(v => v.seq < seq && !v.aborted);
    return candidates.at(-1) ?? null;
  }

  /** The live percentage, and who last changed it and when, as far as Unleash's event log tells. */
  async readLivePercent(flag: FlagRef): Promise<{ percent: number; changedBy?: string; changedAt?: string }> {
    const live = await this.strategy(flag.flag, LIVE_STRATEGY_TITLE);
    const change = await lastLivePercentChange(this.client, flag.flag, live.id);
    return { percent: effectivePercent(live), ...change };
  }

  /**
   * Sets the live percentage (and enables the live strategy). With `expected`, only if the live
   * percentage still is `expected`; otherwise answers what it is instead.
   */
  async setLivePercent(
    flag: FlagRef,
    { expected, percent }: { expected: number | undefined; percent: number },
  ): Promise<SetLivePercentResult> {
    assertPercent(percent, flag.flag);
    const live = await this.strategy(flag.flag, LIVE_STRATEGY_TITLE);
    const current = effectivePercent(live);
    const eventOfOurs = async () => eventOfWrite(this.client, flag.flag, live.id, { from: expected!, to: percent });
    // A retry after a write whose answer was lost finds its own value there.
    if (expected !== undefined && current === percent && current !== expected) return { ok: true, eventId: await eventOfOurs() };
    if (expected !== undefined && current !== expected) return { ok: false, seen: current };
    // Pins the state just read, so a change made in between makes Unleash refuse the write.
    const pin =
      expected === undefined
        ? []
        : [
            { op: 'test', path: '/parameters/rollout', value: live.parameters?.rollout },
            { op: 'test', path: '/disabled', value: live.disabled ?? false },
          ];
    try {
      await this.client.request('PATCH', this.strategyPath(flag.flag, live.id), [
        ...pin,
        { op: 'replace', path: '/parameters/rollout', value: String(percent) },
        { op: 'replace', path: '/disabled', value: false },
      ]);
    } catch (error) {
      if (pin.length > 0 && isTestOperationFailure(error)) {
        return { ok: false, seen: effectivePercent(await this.strategy(flag.flag, LIVE_STRATEGY_TITLE)) };
      }
      throw error;
    }
    return expected === undefined ? { ok: true } : { ok: true, eventId: await eventOfOurs() };
  }

  /**
   * The live percentage now and every change of it recorded after the event `afterEventId` (the rollout's
   * own last write), oldest first: any of them, even one that a later change undid, was not the rollout's.
   */
  async readLiveChanges(flag: FlagRef, afterEventId: number): Promise<{ percent: number; changes: LiveChange[] }> {
    const live = await this.strategy(flag.flag, LIVE_STRATEGY_TITLE);
    return { percent: effectivePercent(live), changes: await liveChangesAfter(this.client, flag.flag, live.id, afterEventId) };
  }

  async setDarkEnabled(flag: FlagRef, enabled: boolean): Promise<void> {
    const dark = await this.strategy(flag.flag, DARK_STRATEGY_TITLE);
    await this.client.request('PATCH', this.strategyPath(flag.flag, dark.id), [
      { op: 'replace', path: '/disabled', value: !enabled },
    ]);
  }

  /** Takes no new starts (live 0%, dark off) and records who aborted; the first mark is kept on retries. */
  async markAborted(flag: FlagRef, actor: Actor): Promise<void> {
    await this.setLivePercent(flag, { expected: undefined, percent: 0 });
    await this.setDarkEnabled(flag, false);
    const meta = this.metadataOf(await this.details(flag.flag));
    if (meta.aborted) return;
    const aborted: AbortMark = { who: actor.who, ...(actor.why && { why: actor.why }), at: new Date().toISOString() };
    await this.client.request('PATCH', this.featurePath(flag.flag), [
      { op: 'replace', path: '/description', value: encodeFlagMetadata({ ...meta, aborted }) },
    ]);
  }

  /** Archived flags are no longer served to clients, so they route nothing. Archiving twice is fine. */
  async archive(flag: FlagRef): Promise<void> {
    await this.client.request('DELETE', this.featurePath(flag.flag));
  }

  /** Whether routing may send some workflow id to this version now, which forbids deleting its worker. */
  async versionInUse(family: string, versionId: string): Promise<boolean> {
    const versions = await this.listVersions(family);
    const version = versions.find(v => v.versionId === versionId);
    return version !== undefined && mayRouteTo(version, versions);
  }

  /** Adds what an interrupted creation left out: a Diachronic strategy, the environment switch. */
  private async completeFlag(name: string, family: string): Promise<VersionFlag> {
    const details = await this.details(name);
    const env = this.environmentOf(details);
    const missing = [liveStrategy(family), darkStrategy(family)].filter(
      wanted => !env.strategies.some(s => s.title === wanted.title),
    );
    for (const strategy of missing) {
      await this.client.request('POST', `${this.environmentPath(name)}/strategies`, strategy);
    }
    if (!env.enabled) await this.client.request('POST', `${this.environmentPath(name)}/on`);
    return this.toVersionFlag(missing.length > 0 || !env.enabled ? await this.details(name) : details);
  }

  /** Every flag carrying this family's metadata, oldest first. */
  private async findFamilyFlags(family: string, includeArchived: boolean): Promise<FamilyFlag[]> {
    const searches = [this.searchFlags(family, false), ...(includeArchived ? [this.searchFlags(family, true)] : [])];
    return (await Promise.all(searches)).flat().sort((a, b) => a.meta.seq - b.meta.seq);
  }

  private async searchFlags(family: string, archived: boolean): Promise<FamilyFlag[]> {
    const found: FamilyFlag[] = [];
    for (let offset = 0; ; offset += PAGE_SIZE) {
      // The query is a substring match (with `_` a wildcard); the metadata decides what belongs here.
      const params = new URLSearchParams({
        query: `diachronic.${family}.v`,
        project: `IS:${this.client.project}`,
        limit: String(PAGE_SIZE),
        offset: String(offset),
        ...(archived && { lifecycle: 'IS:archived' }),
      });
      const page = await this.client.request<FeatureSearchPage>('GET', `/api/admin/search/features?${params}`);
      for (const feature of page.features) {
        const meta = versionFlagMetadata(feature);
        if (meta?.family === family) found.push({ name: feature.name, meta, archived });
      }
      if (page.features.length < PAGE_SIZE) return found;
    }
  }

  private async load(flag: FamilyFlag): Promise<VersionFlag> {
    // Unleash answers 404 for an archived flag's details; it routes nothing.
    const archived = { ...versionFields(flag), archived: true, livePercent: 0, darkEnabled: false, enabled: false };
    if (flag.archived) return archived;
    try {
      return this.toVersionFlag(await this.details(flag.name));
    } catch (error) {
      // Archived between the search that listed it and this read (a cleanup finishing).
      if (error instanceof UnleashApiError && error.status === 404) return archived;
      throw error;
    }
  }

  private toVersionFlag(details: FeatureDetails): VersionFlag {
    const meta = this.metadataOf(details);
    const env = this.environmentOf(details);
    const strategy = (title: string) => env.strategies.find(s => s.title === title);
    const dark = strategy(DARK_STRATEGY_TITLE);
    return {
      ...versionFields({ name: details.name, meta }),
      archived: false,
      livePercent: effectivePercent(strategy(LIVE_STRATEGY_TITLE)),
      darkEnabled: !!dark && !dark.disabled,
      enabled: env.enabled,
    };
  }

  private metadataOf(details: FeatureDetails): VersionFlagMetadata {
    const meta = versionFlagMetadata(details);
    if (!meta) throw new Error(`flag ${details.name} does not carry Diachronic metadata in its description`);
    return meta;
  }

  private async strategy(name: string, title: string): Promise<FeatureStrategy> {
    const env = this.environmentOf(await this.details(name));
    const strategy = env.strategies.find(s => s.title === title);
    if (!strategy) {
      throw new Error(`flag ${name} has no strategy titled ${title} in environment ${this.client.environment}`);
    }
    return strategy;
  }

  private details(name: string): Promise<FeatureDetails> {
    return this.client.request<FeatureDetails>('GET', this.featurePath(name));
  }

  private environmentOf(details: FeatureDetails): FeatureDetails['environments'][number] {
    const env = details.environments.find(e => e.name === this.client.environment);
    if (!env) {
      throw new Error(`flag ${details.name} has no environment ${this.client.environment} in project ${this.client.project}`);
    }
    return env;
  }

  private featuresPath(): string {
    return `/api/admin/projects/${encodeURIComponent(this.client.project)}/features`;
  }

  private featurePath(name: string): string {
    return `${this.featuresPath()}/${encodeURIComponent(name)}`;
  }

  private environmentPath(name: string): string {
    return `${this.featurePath(name)}/environments/${encodeURIComponent(this.client.environment)}`;
  }

  private strategyPath(name: string, strategyId: string): string {
    return `${this.environmentPath(name)}/strategies/${encodeURIComponent(strategyId)}`;
  }
}
