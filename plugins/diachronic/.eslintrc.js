module.exports = require('@backstage/cli/config/eslint-factory')(__dirname, {
  overrides: [
    // The boundary test uses the repo's node-only test helpers; nothing of them reaches the published package.
    { files: ['src/**/*.test.ts'], rules: { '@backstage/no-mixed-plugin-imports': 'off' } },
  ],
});
