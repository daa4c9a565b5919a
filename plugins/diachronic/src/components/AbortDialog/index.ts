export { AbortDialog } from './AbortDialog';
export type { AbortDialogProps } from './AbortDialog';
