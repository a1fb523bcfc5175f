// Worker bootstrap for twoThreads.ts: worker_threads do not inherit --import tsx.
import { register } from 'tsx/esm/api';
register();
await import('./twoThreads.ts');
