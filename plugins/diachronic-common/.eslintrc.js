module.exports = require('@backstage/cli/config/eslint-factory')(__dirname, {
  rules: {
    // The worker's contract is the one source of the deployment types. This package imports them as
    // types only (erased from the build), so nothing of the worker reaches the browser.
    '@backstage/no-mixed-plugin-imports': ['warn', { excludedTargetPackages: ['@diachronic/ci'] }],
    '@typescript-eslint/no-restricted-imports': [
      'error',
      {
        patterns: [
          {
            group: ['@diachronic/ci', '@diachronic/ci/*'],
            allowTypeImports: true,
            message: 'browser-safe package: import only types from the worker',
          },
        ],
      },
    ],
  },
});
