// IO: uploaded prompt sets in, batch-scoring results out, adapters as one zip. Pure TypeScript
// (worker, page and Node).
export * from './adapterZip.ts';
export * from './decodeText.ts';
export * from './promptSet.ts';
export * from './results.ts';
