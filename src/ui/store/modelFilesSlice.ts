// Opening a real model's files (issue 14, "Open a model"): an id or URL is listed with sizes, fetched
// only after the user confirms, into Cache Storage with progress per file; or a local folder is
// picked. Ends at "files ready": `modelFiles.source`, which the engine will open next.
// The URL keeps `?model=` and `?dtype=`; a shared link pre-fills and lists, and never downloads.
import { AbortError } from '../../core/errors.ts';
import { cachedUnder, forgetModel, storageEstimate, type StorageEstimateInfo } from '../../core/modelFiles/cache.ts';
import { filesFromDrop } from '../../core/modelFiles/droppedFolder.ts';
import { type FolderFile, filesFromDirectoryInput, folderSource } from '../../core/modelFiles/folderSource.ts';
import { DTYPE_CHOICES, type DtypeChoice, type GraphDtypes, graphDtypes, isDtypeChoice } from '../../core/modelFiles/layout.ts';
import { type ModelLocation, SUGGESTED_MODEL, parseModelLocation } from '../../core/modelFiles/location.ts';
import { RateMeter } from '../../core/modelFiles/progress.ts';
import { type RemotePlan, cachedSource, fetchMissing, planRemoteModel } from '../../core/modelFiles/remoteModel.ts';
import type { ModelFileEntry, ModelFileSource } from '../../core/modelFiles/source.ts';
import type { Slice } from './types.ts';
import { readUrl, writeUrl } from './url.ts';

/** 'auto': the demo's shader-f16 set where the GPU has that feature, else its fp32/q4 set. */
export type DtypeSetting = 'auto' | DtypeChoice;

export type ModelFilesPhase = 'idle' | 'listing' | 'listed' | 'fetching' | 'ready' | 'error';

export interface FileProgress {
  readonly received: number;
  readonly rate: number; // bytes/s over the last seconds
  readonly eta: number | null; // s
  /** Stored whole in the cache (before the fetch as a whole ends). */
  readonly stored: boolean;
}

export interface ModelFilesState {
  readonly input: string;
  readonly dtype: DtypeSetting;
  readonly phase: ModelFilesPhase;
  /** A model by id/URL: its files, sizes and what is cached. Null for a folder. */
  readonly plan: RemotePlan | null;
  /** Files ready to read (all cached, or a picked folder); what the engine opens next. */
  readonly source: ModelFileSource | null;
  readonly entries: readonly ModelFileEntry[];
  readonly progress: Readonly<Record<string, FileProgress>>;
  readonly confirming: boolean;
  readonly error: string | null;
  /** A line about what just happened (cancelled, forgotten, from the link). */
  readonly note: string | null;
  readonly storage: StorageEstimateInfo | null;
  /** Bytes this model (all dtypes) holds in the cache. */
  readonly cachedBytes: number;
}

export interface ModelFilesSlice {
  readonly modelFiles: ModelFilesState;
  setModelInput(input: string): void;
  setModelDtype(dtype: DtypeSetting): void;
  /** Resolve the file list and sizes (cache first; the network only for what is not cached). */
  listModelFiles(): Promise<void>;
  /** From `?model=`: list once the panel shows, never fetch. */
  openLinkedModel(): Promise<void>;
  askToFetchModel(ask: boolean): void;
  fetchModelFiles(): Promise<void>;
  cancelModelFetch(): void;
  forgetModelFiles(): Promise<void>;
  openModelFolder(files: Iterable<File>): Promise<void>;
  openDroppedModelFolder(data: DataTransfer): Promise<void>;
  refreshModelStorage(): Promise<void>;
}

const initialDtype = (): DtypeSetting => {
  const d = readUrl().get('dtype');
  return d !== null && (d === 'auto' || isDtypeChoice(d)) ? d : 'auto';
};

const message = (err: unknown) => (err instanceof Error ? err.message : String(err));

// Progress arrives per network chunk (hundreds a second); the store gets a snapshot this often.
const PROGRESS_MS = 200;

export const createModelFilesSlice: Slice<ModelFilesSlice> = (set, get) => {
  let controller: AbortController | null = null;
  let linkOpened = false;
  const patch = (p: Partial<ModelFilesState>) => set((s) => ({ modelFiles: { ...s.modelFiles, ...p } }));
  const mf = () => get().modelFiles;

  const dtypesNow = (): GraphDtypes => {
    const d = mf().dtype;
    if (d !== 'auto') return graphDtypes(d);
    return graphDtypes(get().probe?.webgpu.features?.includes('shader-f16') ? 'demo-f16' : 'demo');
  };

  const refreshCached = async (plan: RemotePlan | null) => {
    const cached = plan ? await cachedUnder(plan.location.base) : [];
    patch({ cachedBytes: cached.reduce((a, c) => a + c.size, 0), storage: await storageEstimate() });
  };

  /** Show a plan: ready when every file is cached. */
  const showPlan = async (plan: RemotePlan) => {
    const ready = plan.files.every((f) => f.cached);
    patch({
      plan, phase: ready ? 'ready' : 'listed', source: ready ? cachedSource(plan) : null,
      entries: plan.files.map(({ path, size }) => ({ path, size })), error: null,
    });
    await refreshCached(plan);
  };

  // The last folder opened, so a new dtype re-resolves it without asking for the folder again.
  let folder: { name: string; files: FolderFile[] } | null = null;

  // A dtype change re-resolves what is listed (repick false) and leaves the URL field as the user left it.
  const openFolder = async (name: string, files: FolderFile[], repick = true) => {
    // The controller also marks which listing is current: a later list or folder aborts this one.
    controller?.abort();
    controller = new AbortController();
    const { signal } = controller;
    folder = { name, files };
    lastLocation = null;
    patch({ phase: 'listing', error: null, note: null, confirming: false, plan: null, source: null, progress: {} });
    try {
      const source = await folderSource(name, files, dtypesNow());
      const entries = await source.list();
      if (signal.aborted) return;
      // A local folder cannot be shared by link.
      writeUrl({ model: null });
      patch({ phase: 'ready', source, entries, cachedBytes: 0, ...(repick ? { input: '' } : {}) });
    } catch (err) {
      if (!signal.aborted) patch({ phase: 'error', error: message(err), entries: [] });
    }
  };

  /** List a model by id/URL: its files and sizes for the dtype, cache first. */
  // The last id/URL listed (even if that listing failed, e.g. at a dtype the folder lacks): what a dtype change lists again.
  let lastLocation: ModelLocation | null = null;
  const listLocation = async (where: () => ModelLocation) => {
    controller?.abort();
    controller = new AbortController();
    const { signal } = controller;
    folder = null;
    patch({ phase: 'listing', error: null, note: null, confirming: false, plan: null, source: null, entries: [], progress: {} });
    let loc: ModelLocation;
    try {
      loc = where(); // may be lastLocation itself
    } catch (err) {
      lastLocation = null; // the typed text is no location: nothing listed to go back to
      patch({ phase: 'error', error: message(err) });
      return;
    }
    lastLocation = loc;
    try {
      const plan = await planRemoteModel(loc, dtypesNow(), { signal });
      if (signal.aborted) return;
      writeUrl({ model: loc.label, dtype: mf().dtype === 'auto' ? null : mf().dtype });
      await showPlan(plan);
    } catch (err) {
      if (!signal.aborted) patch({ phase: 'error', error: message(err) });
    }
  };

  return {
    modelFiles: {
      input: readUrl().get('model') ?? SUGGESTED_MODEL, dtype: initialDtype(), phase: 'idle', plan: null, source: null,
      entries: [], progress: {}, confirming: false, error: null, note: null, storage: null, cachedBytes: 0,
    },

    setModelInput: (input) => patch({ input }),
    setModelDtype(dtype) {
      if (dtype === mf().dtype) return;
      patch({ dtype });
      // A listing for the old dtype would be fetched or opened by mistake: resolve it again.
      // What is listed (a folder or a URL) is what is re-resolved, never a URL typed since and not yet listed.
      const { phase, plan, source } = mf();
      if (phase === 'fetching' || phase === 'listing') return;
      if (plan) void listLocation(() => plan.location);
      else if (phase === 'error' && !folder) void (lastLocation ? listLocation(() => lastLocation!) : get().listModelFiles());
      else if (folder && (source || phase === 'error')) void openFolder(folder.name, folder.files, false);
    },

    listModelFiles: () => listLocation(() => parseModelLocation(mf().input, location.origin)),

    async openLinkedModel() {
      if (linkOpened || readUrl().get('model') === null) return;
      linkOpened = true;
      const dtype = readUrl().get('dtype');
      const ignored = dtype !== null && dtype !== mf().dtype
        ? `Link value ignored: dtype=${dtype} (not a dtype; use auto or one of ${DTYPE_CHOICES.join(', ')}), used auto. ` : '';
      if (ignored) writeUrl({ dtype: null });
      await get().listModelFiles();
      const asks = mf().phase === 'listed' ? 'This link names a model. Nothing is downloaded until you press Fetch and confirm.' : '';
      if (ignored || asks) patch({ note: `${ignored}${asks}`.trim() });
    },

    askToFetchModel: (ask) => patch({ confirming: ask }),

    async fetchModelFiles() {
      const plan = mf().plan;
      if (!plan || mf().phase !== 'listed') return;
      controller = new AbortController();
      const { signal } = controller;
      const received: Record<string, number> = {};
      const meters = new Map<string, RateMeter>();
      const sizes = new Map(plan.files.map((f) => [f.path, f.size]));
      const stored = new Set<string>();
      const publish = () => {
        const progress: Record<string, FileProgress> = {};
        for (const [path, bytes] of Object.entries(received)) {
          const m = meters.get(path)!;
          progress[path] = { received: bytes, rate: m.rate(), eta: m.eta(sizes.get(path)! - bytes), stored: stored.has(path) };
        }
        patch({ progress });
      };
      const timer = setInterval(publish, PROGRESS_MS);
      patch({ phase: 'fetching', confirming: false, error: null, note: null, progress: {} });
      // Ask the browser not to evict these files under storage pressure (it may say no; nothing depends on it).
      void navigator.storage?.persist?.().catch(() => false);
      try {
        await fetchMissing(plan, {
          signal,
          onBytes(path, bytes) {
            received[path] = bytes;
            if (!meters.has(path)) meters.set(path, new RateMeter());
            meters.get(path)!.add(performance.now(), bytes);
          },
          onStored(path) {
            stored.add(path);
            void refreshCached(plan);
          },
        });
      } catch (err) {
        const cancelled = err instanceof AbortError;
        patch({ error: cancelled ? null : message(err), note: cancelled ? `Cancelled: ${stored.size} more file(s) stored whole, nothing partial kept. Fetch again to get the rest.` : null });
      } finally {
        clearInterval(timer);
        publish();
      }
      // What is cached now, from the downloads themselves: no network needed to know.
      const next: RemotePlan = { ...plan, files: plan.files.map((f) => (stored.has(f.path) ? { ...f, cached: true } : f)) };
      const { error, note } = mf();
      await showPlan(next);
      patch({ error, note });
    },

    cancelModelFetch: () => controller?.abort(),

    async forgetModelFiles() {
      const plan = mf().plan;
      if (!plan || mf().phase === 'fetching') return;
      const freed = await forgetModel(plan.location.base);
      await showPlan({ ...plan, files: plan.files.map((f) => ({ ...f, cached: false })) });
      patch({ note: `Forgot ${plan.location.label}: ${freed.toLocaleString()} bytes freed.`, progress: {} });
    },

    openModelFolder: (files) => {
      const { name, files: list } = filesFromDirectoryInput(files);
      return openFolder(name, list);
    },

    async openDroppedModelFolder(data) {
      try {
        const { name, files } = await filesFromDrop(data);
        await openFolder(name, files);
      } catch (err) {
        patch({ phase: 'error', error: message(err) });
      }
    },

    async refreshModelStorage() {
      await refreshCached(mf().plan);
    },
  };
};
