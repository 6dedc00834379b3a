// @ts-check
import js from '@eslint/js';
import boundaries from 'eslint-plugin-boundaries';
import tseslint from 'typescript-eslint';

/**
 * The layering of `src/` (README, Architecture): who may import whom. A front-end (`cli`, `server`) reaches the
 * store, the engine, the importer and maintenance only through `usecases/`; it may name their types.
 * Type-only imports are free everywhere (they vanish at build time); value imports, static or dynamic, follow
 * the table below.
 */
const LAYERS = ['core', 'store', 'maintain', 'engine', 'import', 'auth', 'usecases', 'server', 'cli'].map((type) => ({
  type,
  pattern: `src/${type}/**`,
  partialMatch: false,
}));

/** Single files with a role of their own: the root modules every layer may use, and the pool a front-end owns. */
const FILES = [
  { category: 'shared', pattern: 'src/{errors,clock,version,config}.ts' },
  // the pool is infrastructure whose lifetime a front-end owns (created and closed by `serve` and the CLI)
  { category: 'pool', pattern: 'src/engine/pool.ts' },
];

/** from -> the layers it may import values from (itself included); the README's layer table says the same (a test checks) */
export const MAY_IMPORT = {
  core: ['core'],
  store: ['store', 'core'],
  maintain: ['maintain', 'engine', 'store', 'core'],
  engine: ['engine', 'import', 'auth', 'store', 'core'],
  import: ['import', 'engine', 'store', 'core'],
  auth: ['auth', 'store', 'core'],
  usecases: ['usecases', 'engine', 'import', 'auth', 'maintain', 'store', 'core'],
  server: ['server', 'usecases', 'auth', 'core'],
  // `serve` is where the CLI assembles the HTTP server
  cli: ['cli', 'server', 'usecases', 'core'],
};

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'data/**', 'coverage/**', 'build/**', '.cache/**', 'dist-bin/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: { allowDefaultProject: ['bin/*.js', 'scripts/*.mjs'] }, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': 'off',
    },
  },
  {
    files: ['src/**/*.ts'],
    plugins: { boundaries },
    settings: {
      'import/resolver': { typescript: { project: 'tsconfig.json' } },
      'boundaries/elements': LAYERS,
      'boundaries/files': FILES,
      'boundaries/dependency-nodes': ['import', 'dynamic-import', 'export'],
    },
    rules: {
      'boundaries/dependencies': [
        'error',
        {
          default: 'disallow',
          message: '{{from.type}} may not import values from {{to.type}} (README, Architecture: who may import whom)',
          policies: [
            ...Object.entries(MAY_IMPORT).map(([from, to]) => ({ from: { element: { type: from } }, allow: { to: { element: { type: to } } } })),
            { allow: { to: { file: { categories: 'shared' } } } },
            { from: { element: { type: ['cli', 'server', 'usecases'] } }, allow: { to: { file: { categories: 'pool' } } } },
            // naming a type from any layer costs nothing at run time
            { allow: { dependency: { kind: 'type' } } },
          ],
        },
      ],
      // every file in src/ belongs to a layer
      'boundaries/no-unknown-files': 'error',
    },
  },
  {
    // the core is pure: no files, processes, network, database or threads (src/engine and src/store do I/O)
    files: ['src/core/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: [
                'node:*',
                '!node:crypto',
                'fs',
                'fs/*',
                'child_process',
                'net',
                'http',
                'https',
                'worker_threads',
                'better-sqlite3',
                'piscina',
                'fastify',
                'ioredis',
              ],
              message: 'src/core is pure (no I/O): do this in src/engine or src/store and pass the result in',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
  },
  {
    files: ['test/**/*.ts', 'bench/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },
);
