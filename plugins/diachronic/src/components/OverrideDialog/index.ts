export { OverrideDialog, overrideConsequence, overridePresets } from './OverrideDialog';
export type { OverrideDialogProps } from './OverrideDialog';
