export { FamilyFreeze } from './FamilyFreeze';
