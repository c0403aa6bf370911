import lwcJest from '@salesforce/sfdx-lwc-jest/config.js';

// LWC unit tests: every `__tests__/*.test.js` under force-app/ (`npm run test:lwc`).
export default {
  ...lwcJest.jestConfig,
  modulePathIgnorePatterns: ['<rootDir>/.localdevserver'],
  testMatch: ['<rootDir>/force-app/**/__tests__/**/*.test.js'],
};
