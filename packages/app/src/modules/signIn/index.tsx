import { SignInPage } from '@backstage/core-components';
import { createFrontendModule } from '@backstage/frontend-plugin-api';
import { SignInPageBlueprint } from '@backstage/plugin-app-react';

/** Local sign-in without an account: the guest provider (`user:default/guest`, a member of team-orders). */
const guestSignInPage = SignInPageBlueprint.make({
  params: {
    loader: async () => props => <SignInPage {...props} auto providers={['guest']} />,
  },
});

export const signInModule = createFrontendModule({
  pluginId: 'app',
  extensions: [guestSignInPage],
});
