import { searchAttributes } from '@diachronic/contract/temporal';

/** The search attributes a caller of the signaler sets (isTest) or reads (the version a start was routed to). */
export const diachronicSearchAttributes = {
  isTest: searchAttributes.isTest,
  routedVersionId: searchAttributes.routedVersionId,
};
