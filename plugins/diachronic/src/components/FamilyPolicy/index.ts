export { FamilyPolicy } from './FamilyPolicy';
