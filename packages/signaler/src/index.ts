export {
  createRoutingClient,
  createRoutingInterceptor,
  createScheduleRoutingInterceptor,
  NoLiveVersionError,
  routeScheduleAction,
  type ManagedWorkflowTypes,
  type RoutingClientOptions,
  type RoutingInterceptorOptions,
  type WorkflowRouter,
} from './interceptor';
export { diachronicSearchAttributes } from './search-attributes';
