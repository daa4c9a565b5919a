import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/**
 * The search attributes routing reads and the signaler writes on the workflows it starts; the worker's
 * contract includes them. Registered on the Temporal namespace like the worker's own.
 */
export const routingSearchAttributes = {
  /** Set by the caller: the start is test traffic, routed by the versions' dark strategies too. */
  isTest: defineSearchAttributeKey('DiachronicIsTest', SearchAttributeType.BOOL),
  /** Stamped by the signaler on each workflow it routes: the version routing chose. */
  routedVersionId: defineSearchAttributeKey('DiachronicRoutedVersionId', SearchAttributeType.KEYWORD),
};
