import { searchAttributes } from '@diachronic/contract/temporal';

/**
 * The search attributes a caller of the signaler sets (isTest) or reads: the version a start was routed to,
 * and the family a routed schedule belongs to (a schedule's own attribute).
 */
export const diachronicSearchAttributes = {
  isTest: searchAttributes.isTest,
  routedVersionId: searchAttributes.routedVersionId,
  family: searchAttributes.family,
};
