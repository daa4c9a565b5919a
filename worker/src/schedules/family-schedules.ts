/**
 * The Temporal Schedules that start a family's workflows: those the signaler created (marked with the
 * schedule's search attribute DiachronicFamily) and any other whose action starts on one of the family's
 * version queues. A schedule's action holds a fixed task queue, so when a new version takes every new
 * start they are moved to its queue, and a version a schedule still targets is not retired.
 */
import { Client, ScheduleDescription, ScheduleNotFoundError } from '@temporalio/client';
import { isFamilyTaskQueue, VersionRef } from '@diachronic/contract';
import { searchAttributes } from '@diachronic/contract/temporal';

export interface FamilySchedule {
  scheduleId: string;
  /** The task queue its action starts workflows on. */
  taskQueue: string;
}

/** Schedules described at once. */
const DESCRIBE_CONCURRENCY = 8;

export class FamilySchedules {
  constructor(private readonly temporal: Client) {}

  /**
   * Every schedule of the family. A schedule's queue shows only in its description, so each schedule of the
   * namespace is described: one list page per 1,000 schedules and a describe each, whatever the family.
   */
  async list(family: string, onProgress: () => void = () => {}): Promise<FamilySchedule[]> {
    const ids: string[] = [];
    for await (const summary of this.temporal.schedule.list()) {
      if (summary.action?.type === 'startWorkflow') ids.push(summary.scheduleId);
    }
    const found: FamilySchedule[] = [];
    let next = 0;
    const describer = async () => {
      while (next < ids.length) {
        const scheduleId = ids[next++];
        onProgress();
        const description = await this.describe(scheduleId);
        const action = description?.action;
        if (!description || action?.type !== 'startWorkflow') continue;
        const stamped = description.typedSearchAttributes.get(searchAttributes.family) === family;
        if (stamped || isFamilyTaskQueue(family, action.taskQueue)) found.push({ scheduleId, taskQueue: action.taskQueue });
      }
    };
    await Promise.all(Array.from({ length: Math.min(DESCRIBE_CONCURRENCY, ids.length) }, describer));
    return found.sort((a, b) => a.scheduleId.localeCompare(b.scheduleId));
  }

  /** The family's schedules whose action starts on `taskQueue`. */
  async targeting(family: string, taskQueue: string): Promise<FamilySchedule[]> {
    return (await this.list(family)).filter(schedule => schedule.taskQueue === taskQueue);
  }

  /**
   * Moves every schedule of the family that starts elsewhere to the version's queue, stamping its action
   * as the signaler does. Idempotent: a schedule already there is left alone.
   */
  async moveTo(version: VersionRef, onProgress: () => void = () => {}): Promise<Array<FamilySchedule & { to: string }>> {
    const moved: Array<FamilySchedule & { to: string }> = [];
    for (const schedule of await this.list(version.family, onProgress)) {
      if (schedule.taskQueue === version.taskQueue) continue;
      onProgress();
      try {
        await this.temporal.schedule.getHandle(schedule.scheduleId).update(previous => {
          if (previous.action.type !== 'startWorkflow') return previous;
          const typed = previous.action.typedSearchAttributes;
          const pairs = Array.isArray(typed) ? typed : (typed?.getAll() ?? []);
          const others = pairs.filter(
            pair => pair.key.name !== searchAttributes.routedVersionId.name,
          );
          return {
            ...previous,
            action: {
              ...previous.action,
              taskQueue: version.taskQueue,
              typedSearchAttributes: [...others, { key: searchAttributes.routedVersionId, value: version.versionId }],
            },
          };
        });
        moved.push({ ...schedule, to: version.taskQueue });
      } catch (error) {
        // Deleted since it was listed: nothing to move.
        if (!(error instanceof ScheduleNotFoundError)) throw error;
      }
    }
    return moved;
  }

  private async describe(scheduleId: string): Promise<ScheduleDescription | undefined> {
    try {
      return await this.temporal.schedule.getHandle(scheduleId).describe();
    } catch (error) {
      if (error instanceof ScheduleNotFoundError) return undefined;
      throw error;
    }
  }
}
