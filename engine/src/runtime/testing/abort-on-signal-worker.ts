/**
 * Test entry: the real engine worker (worker.ts), plus SIGUSR2 → process.abort(), so a test can make
 * the engine process die the way a native abort in onnxruntime ends it (SIGABRT, no cleanup).
 */
process.on('SIGUSR2', () => process.abort());
export {};
await import('../worker');
