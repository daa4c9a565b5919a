/** The search attributes the signaler reads (isTest) and writes (routedVersionId), defined by routing. */
export { routingSearchAttributes as diachronicSearchAttributes } from '@diachronic/routing/search-attributes';
