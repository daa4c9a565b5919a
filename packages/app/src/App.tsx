import { createApp } from '@backstage/frontend-defaults';
import catalogPlugin from '@backstage/plugin-catalog/alpha';
import notificationsPlugin from '@backstage/plugin-notifications/alpha';
import orgPlugin from '@backstage/plugin-org/alpha';
import signalsPlugin from '@backstage/plugin-signals/alpha';
import userSettingsPlugin from '@backstage/plugin-user-settings/alpha';
import diachronicPlugin from '@diachronic/backstage-plugin-diachronic/alpha';
import { navModule } from './modules/nav';
import { signInModule } from './modules/signIn';

/** An app on Backstage's new frontend system, as `@backstage/create-app` generates it, with Diachronic installed, and signals and notifications for its live updates and notices. */
export default createApp({
  features: [
    catalogPlugin,
    orgPlugin,
    userSettingsPlugin,
    signalsPlugin,
    notificationsPlugin,
    diachronicPlugin,
    navModule,
    signInModule,
  ],
});
