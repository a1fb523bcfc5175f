// The store's type, one slice per concern (zustand slices pattern); each slice file adds its part.
import type { StateCreator } from 'zustand';
import type { EngineSlice } from './engineSlice.ts';
import type { InspectSlice } from './inspectSlice.ts';
import type { TrainSlice } from './trainSlice.ts';
import type { BatchSlice } from './batchSlice.ts';

export type Store = EngineSlice & InspectSlice & TrainSlice & BatchSlice;
export type Slice<T> = StateCreator<Store, [], [], T>;
