// The store's type, one slice per concern (zustand slices pattern); each slice file adds its part.
import type { StateCreator } from 'zustand';
import type { EngineSlice } from './engineSlice.ts';
import type { InspectSlice } from './inspectSlice.ts';
import type { TrainSlice } from './trainSlice.ts';
import type { RunsSlice } from './runsSlice.ts';
import type { BatchSlice } from './batchSlice.ts';
import type { BatchDetailSlice } from './batchDetailSlice.ts';
import type { ModelFilesSlice } from './modelFilesSlice.ts';
import type { EngineModelSlice } from './engineModelSlice.ts';
import type { ShippedAdapterSlice } from './shippedAdapterSlice.ts';

export type Store = EngineSlice & InspectSlice & TrainSlice & RunsSlice & BatchSlice & BatchDetailSlice & ModelFilesSlice & EngineModelSlice & ShippedAdapterSlice;
export type Slice<T> = StateCreator<Store, [], [], T>;
