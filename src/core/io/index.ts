// IO: uploaded prompt sets in, batch-scoring results out. Pure TypeScript (worker and Node).
export * from './promptSet.ts';
export * from './results.ts';
