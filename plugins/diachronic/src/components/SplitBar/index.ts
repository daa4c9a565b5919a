export { SplitBar } from './SplitBar';
