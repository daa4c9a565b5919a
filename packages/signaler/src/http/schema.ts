import { z } from 'zod';
import { diachronicSearchAttributes } from '../search-attributes';

/** The most items one batch request may carry. */
export const MAX_BATCH_ITEMS = 1000;

const reservedSearchAttributes = new Map<string, string>([
  [diachronicSearchAttributes.isTest.name, 'use the isTest field'],
  [diachronicSearchAttributes.routedVersionId.name, 'the signaler sets it to the version it routes to'],
]);

const isoDate = z.string().datetime({ offset: true });

/** A typed search attribute value, `{ type, value }`, keyed by the attribute's name. */
const searchAttributeValue = z.discriminatedUnion('type', [
  z.object({ type: z.enum(['KEYWORD', 'TEXT']), value: z.string() }).strict(),
  z.object({ type: z.literal('INT'), value: z.number().int() }).strict(),
  z.object({ type: z.literal('DOUBLE'), value: z.number() }).strict(),
  z.object({ type: z.literal('BOOL'), value: z.boolean() }).strict(),
  z.object({ type: z.literal('DATETIME'), value: isoDate }).strict(),
  z.object({ type: z.literal('KEYWORD_LIST'), value: z.array(z.string()) }).strict(),
]);

const searchAttributes = z.record(z.string().min(1), searchAttributeValue).superRefine((attributes, ctx) => {
  for (const name of Object.keys(attributes)) {
    const why = reservedSearchAttributes.get(name);
    if (why) ctx.addIssue({ code: z.ZodIssueCode.custom, path: [name], message: `${name} is reserved: ${why}` });
  }
});

const workflowId = z.string().min(1).max(1000);
const jsonArgs = z.array(z.unknown());

/** What every start form shares. Unknown fields are refused, so a misspelt `isTest` never goes unnoticed. */
const newWorkflowFields = {
  workflowType: z.string().min(1),
  workflowId,
  args: jsonArgs.default([]),
  /** Test traffic: mapped to the search attribute DiachronicIsTest (see the README). */
  isTest: z.boolean().optional(),
  searchAttributes: searchAttributes.optional(),
};

export const startRequest = z.object(newWorkflowFields).strict();

export const signalWithStartRequest = z
  .object({ ...newWorkflowFields, signal: z.string().min(1), signalArgs: jsonArgs.default([]) })
  .strict();

export const updateWithStartRequest = z
  .object({ ...newWorkflowFields, update: z.string().min(1), updateArgs: jsonArgs.default([]) })
  .strict();

export const signalRequest = z
  .object({ workflowId, runId: z.string().min(1).optional(), signal: z.string().min(1), signalArgs: jsonArgs.default([]) })
  .strict();

export const updateRequest = z
  .object({ workflowId, runId: z.string().min(1).optional(), update: z.string().min(1), updateArgs: jsonArgs.default([]) })
  .strict();

export const batchItem = z.discriminatedUnion('kind', [
  startRequest.extend({ kind: z.literal('start') }),
  signalWithStartRequest.extend({ kind: z.literal('signalWithStart') }),
]);

/** Items are validated one by one, so that one bad item fails alone. */
export const batchRequest = z.object({ items: z.array(z.unknown()).min(1).max(MAX_BATCH_ITEMS) }).strict();

export type SearchAttributesInput = z.infer<typeof searchAttributes>;
export type StartRequest = z.infer<typeof startRequest>;
export type SignalWithStartRequest = z.infer<typeof signalWithStartRequest>;
export type UpdateWithStartRequest = z.infer<typeof updateWithStartRequest>;
export type SignalRequest = z.infer<typeof signalRequest>;
export type UpdateRequest = z.infer<typeof updateRequest>;
export type BatchItem = z.infer<typeof batchItem>;
