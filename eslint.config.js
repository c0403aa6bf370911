import js from '@eslint/js';
import lwcConfig from '@salesforce/eslint-config-lwc';
import importPlugin from 'eslint-plugin-import';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const LWC_FILES = ['force-app/**/lwc/**/*.js'];
const LWC_TESTS = 'force-app/**/lwc/**/__tests__/**/*.js';
const AURA_FILES = ['force-app/**/aura/**/*.js'];
const TS_FILES = ['**/*.ts'];

/**
 * Module boundaries (docs/service-design.md): the engine knows nothing of the Salesforce sync, the
 * HTTP APIs or the admin API; the Salesforce sync reaches the engine only through its public surface
 * (`engine/index.ts`); the wire contracts know nothing of the engine or the database; the emulator
 * and the connector know nothing of the service's implementation; `shared/` knows none of them.
 */
const BOUNDARIES = [
  {
    target: './telephony/src/engine',
    from: [
      './telephony/src/salesforce',
      './telephony/src/api',
      './telephony/src/admin',
      './telephony/src/media',
      './telephony/src/server.ts',
    ],
    message: 'the engine is called through ports and publishes domain events; it imports none of these',
  },
  {
    target: './telephony/src/media',
    from: './telephony/src/engine',
    except: ['./index.ts'],
    message: 'the media plane uses the engine through engine/index.ts (public commands, domain events)',
  },
  {
    target: './telephony/src/salesforce',
    from: './telephony/src/engine',
    except: ['./index.ts'],
    message: 'the Salesforce sync uses the engine through engine/index.ts (public commands, events, ports)',
  },
  {
    target: './telephony/src/contracts',
    from: [
      './telephony/src/engine',
      './telephony/src/db',
      './telephony/src/salesforce',
      './telephony/src/admin',
    ],
    message: 'wire contracts import nothing of the implementation',
  },
  {
    target: ['./connector/src', './telephony/src/pages'],
    from: ['./telephony/src/engine', './telephony/src/db', './telephony/src/domain', './telephony/src/api'],
    message: 'clients see the service through its contracts (telephony/src/contracts) only',
  },
  {
    target: './emulator/src',
    from: ['./telephony', './connector'],
    message:
      'the emulator stands in for Salesforce: it imports nothing of the service or the connector (neutral helpers are in shared/)',
  },
  {
    target: './shared',
    from: ['./telephony', './connector', './emulator'],
    message: 'shared/ holds neutral helpers that depend on no project folder',
  },
];

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
    files: TS_FILES,
    plugins: { import: importPlugin },
    settings: {
      'import/parsers': { '@typescript-eslint/parser': ['.ts'] },
      'import/resolver': { node: { extensions: ['.ts', '.js'] } },
    },
    rules: {
      'import/no-cycle': ['error', { ignoreExternal: true }],
      'import/no-restricted-paths': ['error', { zones: BOUNDARIES }],
    },
  },
  {
    files: [
      'connector/src/**/*.ts',
      'emulator/src/workspace/page/**/*.ts',
      'telephony/src/pages/**/*.ts',
      'shared/dom.ts',
    ],
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
