/**
 * The Diachronic CI backend plugin.
 *
 * @packageDocumentation
 */
export { diachronicPlugin as default } from './plugin';
