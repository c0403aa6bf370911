import js from '@eslint/js';
import lwcConfig from '@salesforce/eslint-config-lwc';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const LWC_FILES = ['force-app/**/lwc/**/*.js'];
const LWC_TESTS = 'force-app/**/lwc/**/__tests__/**/*.js';
const AURA_FILES = ['force-app/**/aura/**/*.js'];

export default tseslint.config(
  { ignores: ['node_modules/', 'data/', 'coverage/', '.cache/', 'force-app/main/default/staticresources/'] },
  {
    ignores: [...LWC_FILES, ...AURA_FILES],
    extends: [js.configs.recommended, ...tseslint.configs.recommended],
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
      '@typescript-eslint/consistent-type-imports': 'error',
      eqeqeq: ['error', 'always'],
      'no-console': 'off',
    },
  },
  {
    files: ['connector/src/**/*.ts', 'emulator/src/workspace/page/**/*.ts', 'telephony/src/pages/**/*.ts'],
    languageOptions: { globals: { ...globals.browser } },
  },
  // The managed package's Lightning web components; their jest tests get the plain rules.
  ...lwcConfig.configs.recommended.map((config) => ({ ...config, files: LWC_FILES, ignores: [LWC_TESTS] })),
  {
    files: [LWC_TESTS],
    extends: [js.configs.recommended],
    languageOptions: { globals: { ...globals.jest, ...globals.browser } },
  },
  // Aura controllers are one object literal in parentheses; `$A` is the framework.
  {
    files: AURA_FILES,
    extends: [js.configs.recommended],
    languageOptions: { sourceType: 'script', globals: { ...globals.browser, $A: 'readonly' } },
    rules: { 'no-unused-expressions': 'off', eqeqeq: ['error', 'always'] },
  },
);
