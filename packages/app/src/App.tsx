import { createApp } from '@backstage/frontend-defaults';
import catalogPlugin from '@backstage/plugin-catalog/alpha';
import orgPlugin from '@backstage/plugin-org/alpha';
import userSettingsPlugin from '@backstage/plugin-user-settings/alpha';
import diachronicPlugin from '@diachronic/backstage-plugin-diachronic/alpha';
import { navModule } from './modules/nav';
import { signInModule } from './modules/signIn';

/** An app on Backstage's new frontend system, as `@backstage/create-app` generates it, with Diachronic installed. */
export default createApp({
  features: [catalogPlugin, orgPlugin, userSettingsPlugin, diachronicPlugin, navModule, signInModule],
});
