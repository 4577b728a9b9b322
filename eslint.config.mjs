import { configWithoutCloudSupport } from '@n8n/node-cli/eslint';

// Self-hosted package (health data does not belong on n8n Cloud): n8n's community-node rules without the
// Cloud-only import/global restrictions. See docs/development.md "Lint and scan" for the rules we deliberately break.
export default [
	{
		ignores: [
			'dist/**',
			'node_modules/**',
			'coverage/**',
			'**/*.js',
			'**/*.mjs',
			'**/*.cjs',
			'simulator/public/**',
		],
	},
	...configWithoutCloudSupport,
	{
		// Domain modules stay free of n8n so they can be unit-tested and reused.
		files: ['core/**/*.ts'],
		rules: {
			'no-restricted-imports': [
				'error',
				{
					patterns: [
						{ group: ['n8n-workflow', 'n8n-core', 'n8n-workflow/*'], message: 'core/ must not import n8n.' },
					],
				},
			],
		},
	},
	{
		// Dev tools (simulator, tests, benchmarks, scripts) are not part of the published package.
		files: ['test/**/*.ts', 'simulator/**/*.ts', 'bench/**/*.ts', 'scripts/**/*.ts'],
		rules: {
			'no-console': 'off',
			'@n8n/community-nodes/no-restricted-globals': 'off',
			'@n8n/community-nodes/no-restricted-imports': 'off',
			'@n8n/community-nodes/no-dangerous-functions': 'off',
			'@typescript-eslint/no-explicit-any': 'off',
			'@typescript-eslint/no-require-imports': 'off',
			'import-x/no-named-as-default-member': 'off',
			'@n8n/community-nodes/require-node-api-error': 'off',
		},
	},
	{
		// Deliberate, documented break (docs/development.md "Lint and scan"): pg, luxon, zod, libphonenumber-js, vega and
		// vega-lite ship as runtime dependencies of this self-hosted package. `npm run scan` still lists the break and
		// accepts only these six packages (scripts/scan.mjs).
		files: ['package.json'],
		rules: { '@n8n/community-nodes/no-runtime-dependencies': 'off' },
	},
];
