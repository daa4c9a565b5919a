/**
 * Tells a family's owners of its deployments' changes: Backstage notifications to the owner of each
 * entity that names the family, and the same notices as JSON to a webhook (chat tools), as the
 * configuration asks per family. It looks at a deployment when the change feed says it changed.
 */
import { LoggerService } from '@backstage/backend-plugin-api';
import type { NotificationService } from '@backstage/plugin-notifications-node';
import { deploymentVersionOf } from '@diachronic/contract';
import { FamilyEntities, OwningEntity, rolloutTabPath } from '../entities';
import { TemporalAccess } from '../temporal';
import { queryDeploymentState } from '../workflowQueries';
import { Notice, NoticeKind, Seen, noticesFor, seenOf } from './notices';

export interface NotificationSettings {
  /** Which changes are told (default: all). */
  events: readonly NoticeKind[];
  /** Also POSTed as JSON here. */
  webhookUrl?: string;
}

/** A webhook that does not answer in this time is given up on (the notice still reached Backstage). */
const WEBHOOK_TIMEOUT_MS = 5_000;
/** Deployments remembered at most; the oldest are forgotten first (a forgotten one is looked at afresh). */
const REMEMBERED = 10_000;

export class DeploymentNotifier {
  private readonly seen = new Map<string, Seen>();

  constructor(
    private readonly options: {
      temporal: TemporalAccess;
      familyEntities: FamilyEntities;
      logger: LoggerService;
      notifications?: NotificationService;
      settingsFor: (family: string) => NotificationSettings;
    },
  ) {}

  /** The change feed saw `workflowId` of `family` change. Never throws: a notice is never worth a failure. */
  async changed(family: string, workflowId: string): Promise<void> {
    const versionId = deploymentVersionOf(family, workflowId);
    if (!versionId) return;
    try {
      // Only families the catalog names have owners to tell: the others are not even asked for their state.
      const settings = this.options.settingsFor(family);
      if (settings.events.length === 0) return;
      const owners = await this.options.familyEntities.of(family);
      if (owners.length === 0) return;
      const state = await queryDeploymentState(this.options.temporal, family, versionId);
      const notices = noticesFor(family, state, this.seen.get(workflowId));
      this.remember(workflowId, seenOf(state));
      const wanted = notices.filter(notice => settings.events.includes(notice.kind));
      await Promise.all(wanted.map(notice => this.send(family, versionId, notice, owners, settings)));
    } catch (error) {
      this.options.logger.warn(`Diachronic notifications: could not tell of ${workflowId}: ${error}`);
    }
  }

  private remember(workflowId: string, seen: Seen): void {
    this.seen.delete(workflowId);
    this.seen.set(workflowId, seen);
    if (this.seen.size > REMEMBERED) this.seen.delete(this.seen.keys().next().value!);
  }

  private async send(family: string, versionId: string, notice: Notice, owners: OwningEntity[], settings: NotificationSettings) {
    const { notifications } = this.options;
    await Promise.all(
      owners.map(async entity => {
        const link = rolloutTabPath(entity.entityRef);
        await notifications?.send({
          // The owner (a group: its members; a user: that user), else the entity, whose owner it resolves to.
          recipients: { type: 'entity', entityRef: entity.owner ?? entity.entityRef },
          payload: { title: notice.title, description: notice.description, link, severity: notice.severity, topic: 'diachronic', scope: notice.scope },
        });
        if (settings.webhookUrl) await this.postWebhook(settings.webhookUrl, { ...notice, family, versionId, entityRef: entity.entityRef, owner: entity.owner, link });
      }),
    );
  }

  private async postWebhook(url: string, body: object): Promise<void> {
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(WEBHOOK_TIMEOUT_MS),
      });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
    } catch (error) {
      // The URL may carry a token (chat webhooks do): only its origin is logged.
      this.options.logger.warn(`Diachronic notifications: the webhook at ${new URL(url).origin} refused the notice: ${error}`);
    }
  }
}
