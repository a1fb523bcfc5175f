// Open the files the Open-a-model panel made ready (modelFiles.source) in the engine, and go back
// to the tiny model. The page reads every file once through the ModelFileSource and transfers the
// bytes to the worker (no copy); a failed open names the file, graph or tensor and leaves the
// model that was active as it was.
import { transfer } from 'comlink';
import { callEngine, proxy } from '../engine.ts';
import { DEFAULT_SETTINGS } from './inspectRules.ts';
import type { Slice } from './types.ts';

/** Classifier-free guidance for a family that offers it: upstream Janus' demo and generation script use 5. */
export const FAMILY_CFG_SCALE = 5;

export type EngineModelPhase = 'idle' | 'reading' | 'opening' | 'closing';

export interface EngineModelSlice {
  readonly engineModel: {
    readonly phase: EngineModelPhase;
    readonly error: string | null;
    readonly read: number; // bytes read from the source so far
    readonly total: number;
    readonly graph: string | null; // the graph whose session is being created
  };
  /** Read the ready files and open them in the engine as the active model. */
  openModelInEngine(): Promise<void>;
  /** Back to the tiny model. */
  closeEngineModel(): Promise<void>;
}

export const createEngineModelSlice: Slice<EngineModelSlice> = (set, get) => {
  const patch = (p: Partial<EngineModelSlice['engineModel']>) => set((s) => ({ engineModel: { ...s.engineModel, ...p } }));
  // A group drawn by one model is not rescored by another: Inspect starts empty after a switch.
  // The prompt is checked again: a family with a BPE tokenizer reads words the tiny model does not.
  // Each model samples at its own CFG default: upstream Janus at 5 (generation_inference.py), the
  // tiny UMM at 1 (GvU samples without guidance); the page says when a switch changed it.
  const clearInspect = () => {
    set({ group: null, scores: null, advantages: null, heat: null, heatMaps: {}, heatBlock: null, inspectError: null, inspectNotice: null });
    const family = get().model?.family ?? null;
    const cfgScale = family?.capabilities.guidance ? FAMILY_CFG_SCALE : DEFAULT_SETTINGS.cfgScale;
    const changed = get().inspect.cfgScale !== cfgScale;
    get().setInspect({ cfgScale });
    if (changed) set({ inspectNotice: `CFG scale set to ${cfgScale}, ${family ? `${family.label}'s default (upstream Janus samples with guidance 5)` : 'the tiny model\'s default (no guidance)'}.` });
  };

  return {
    engineModel: { phase: 'idle', error: null, read: 0, total: 0, graph: null },

    async openModelInEngine() {
      const source = get().modelFiles.source;
      if (!source || get().engineModel.phase !== 'idle' || get().busy) return;
      patch({ phase: 'reading', error: null, read: 0, total: 0, graph: null });
      get().setBusy(`opening ${source.label}`);
      try {
        const entries = await source.list();
        patch({ total: entries.reduce((n, e) => n + e.size, 0) });
        const files: Record<string, Uint8Array> = {};
        for (const e of entries) {
          files[e.path] = await source.read(e.path);
          patch({ read: get().engineModel.read + files[e.path].byteLength });
        }
        patch({ phase: 'opening' });
        const buffers = [...new Set(Object.values(files).map((b) => b.buffer as ArrayBuffer))];
        const onGraph = proxy((graph: string, i: number, n: number) => patch({ graph: `${graph} (${i + 1} of ${n})` }));
        const model = await callEngine((e) => e.openModel(source.label, transfer(files, buffers), onGraph));
        set({ model, modelError: null });
        clearInspect();
        get().applyPendingLink();
        void get().refreshTimings();
      } catch (err) {
        patch({ error: get().engineError(err) });
      } finally {
        patch({ phase: 'idle', graph: null });
        get().setBusy(null);
      }
    },

    async closeEngineModel() {
      if (get().engineModel.phase !== 'idle' || get().busy) return;
      patch({ phase: 'closing', error: null });
      try {
        const model = await callEngine((e) => e.closeModel());
        set({ model, modelError: null });
        clearInspect();
      } catch (err) {
        patch({ error: get().engineError(err) });
      } finally {
        patch({ phase: 'idle' });
      }
    },
  };
};
