export * from './flags';
export * from './route';
