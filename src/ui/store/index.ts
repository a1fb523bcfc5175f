// The page's one store: slices merged (engine, inspect, train, batch). Only actions call the engine.
import { create } from 'zustand';
import { createBatchSlice } from './batchSlice.ts';
import { createBatchDetailSlice } from './batchDetailSlice.ts';
import { createEngineSlice } from './engineSlice.ts';
import { createEngineModelSlice } from './engineModelSlice.ts';
import { createInspectSlice } from './inspectSlice.ts';
import { createModelFilesSlice } from './modelFilesSlice.ts';
import { createRunsSlice } from './runsSlice.ts';
import { createShippedAdapterSlice } from './shippedAdapterSlice.ts';
import { createTrainSlice } from './trainSlice.ts';
import type { Store } from './types.ts';

export type { Store };

export const useStore = create<Store>()((...a) => ({
  ...createEngineSlice(...a),
  ...createInspectSlice(...a),
  ...createTrainSlice(...a),
  ...createRunsSlice(...a),
  ...createBatchSlice(...a),
  ...createBatchDetailSlice(...a),
  ...createModelFilesSlice(...a),
  ...createEngineModelSlice(...a),
  ...createShippedAdapterSlice(...a),
}));
