/** Unit and integration tests live in test/ (never under nodes/, which is compiled into dist). */
module.exports = {
	testEnvironment: 'node',
	roots: ['<rootDir>/test'],
	testMatch: ['**/*.test.ts'],
	testPathIgnorePatterns: ['/node_modules/', '/test/e2e/'],
	transform: {
		'^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.dev.json' }],
	},
	testTimeout: 30000,
	maxWorkers: 2,
	// Time a worker gets to exit after the last test before Jest kills it and prints "A worker process has
	// failed to exit gracefully". Measured here: every worker reaches its 'exit' event within ~0-140 ms with
	// only its IPC pipe open (no leaked timer/socket), but Node then frees a 200-400 MB ts-jest heap, which
	// takes 0.2-0.6 s on a loaded 2-core machine, so Jest's 500 ms default fired on clean workers. A real
	// leaked handle keeps a worker alive forever and is still reported, after 5 s instead of 0.5 s.
	workerGracefulExitTimeout: 5000,
};
