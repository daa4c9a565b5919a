/** Connection settings of the real services, set by `npm test` (scripts/test.mjs). */
export interface TestServices {
  temporalAddress: string;
  unleashUrl: string;
  unleashAdminToken: string;
  unleashClientToken: string;
  kubeconfig?: string;
}

export function testServices(): TestServices {
  const missing = ['TEMPORAL_ADDRESS', 'UNLEASH_URL', 'UNLEASH_ADMIN_TOKEN', 'UNLEASH_CLIENT_TOKEN'].filter(
    name => !process.env[name],
  );
  if (missing.length > 0) {
    throw new Error(
      `${missing.join(', ')} not set: run the tests with \`npm test\`, or start the services with ` +
        '`npm run services` and `set -a; . .state/services.env`',
    );
  }
  return {
    temporalAddress: process.env.TEMPORAL_ADDRESS!,
    unleashUrl: process.env.UNLEASH_URL!,
    unleashAdminToken: process.env.UNLEASH_ADMIN_TOKEN!,
    unleashClientToken: process.env.UNLEASH_CLIENT_TOKEN!,
    kubeconfig: process.env.KUBECONFIG,
  };
}
