export { EntityDiachronicContent, EntityStartDeploymentCard } from './EntityDiachronicContent';
