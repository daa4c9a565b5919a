export { FamilyPanel } from './FamilyPanel';
export type { FamilyPanelProps } from './FamilyPanel';
