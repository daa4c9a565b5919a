export { CLOSED_CONNECTION_DETAILS, closedConnectionGuard, closedConnectionInterceptor } from './closedConnectionGuard';
