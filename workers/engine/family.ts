// The opened model family (issue 14): a Janus folder the page handed over, loaded as a ModelFamily
// on web sessions, or none (the tiny model, which stays loaded beside it and is used whenever
// nothing else is open). A failed open leaves whatever was active as it was.
//
// Why the page sends bytes rather than the worker reading Cache Storage by URL: a picked folder
// has no URL, and one path for both sources keeps the worker ignorant of where files came from.
// The bytes are transferred (no copy) and dropped once ORT has its sessions.
import { InputError } from '../../src/core/errors.ts';
import type { ModelFamily } from '../../src/core/families/family.ts';
import { janusFamily } from '../../src/core/families/janus/family.ts';
import { type ModelFolder, filePath } from '../../src/core/families/janus/folder.ts';
import { type DtypeChoice, DTYPE_SUFFIX, JANUS_GRAPHS, type JanusDtype, type JanusGraph } from '../../src/core/families/janus/graphFiles.ts';
import { withGraphFallback } from '../../src/core/families/janus/graphFallback.ts';
import { type JanusSessionFactory, loadJanus } from '../../src/core/families/janus/load.ts';
import { type WebBackend, createWebSession } from '../../src/core/runtime/web.ts';
import type { FamilyInfo } from '../engineApi.ts';
import { heartbeat } from './jobControl.ts';

interface Active {
  readonly family: ModelFamily;
  readonly info: FamilyInfo;
  /** Graphs moved to another backend since the open (graphFallback.ts), said in the view with the warnings. */
  readonly moved: readonly string[];
}

let active: Active | null = null;

export const activeFamily = (): ModelFamily | null => active?.family ?? null;
export const activeFamilyInfo = (): FamilyInfo | null => (active ? { ...active.info, warnings: [...active.info.warnings, ...active.moved] } : null);

/** The files as a folder the Janus loader reads; `location` names them in every error. */
function bytesFolder(label: string, files: ReadonlyMap<string, Uint8Array>): ModelFolder {
  const folder: ModelFolder = {
    location: label,
    exists: async (path) => files.has(path),
    async read(path) {
      const b = files.get(path);
      if (!b) throw new InputError(`${filePath(folder, path)} is missing`);
      return b;
    },
  };
  return folder;
}

/**
 * Which dtype each graph was listed at, read from the file names (onnx/{graph}{suffix}.onnx): the
 * page picked them (remote plan or folder pick), so the worker opens exactly what it was sent.
 */
export function dtypesOfFiles(paths: readonly string[]): Partial<Record<JanusGraph, JanusDtype>> {
  const out: Partial<Record<JanusGraph, JanusDtype>> = {};
  for (const g of JANUS_GRAPHS) {
    for (const [d, suffix] of Object.entries(DTYPE_SUFFIX) as [JanusDtype, string][]) {
      if (paths.includes(`onnx/${g}${suffix}.onnx`) && out[g] === undefined) out[g] = d;
    }
  }
  return out;
}

const basename = (p: string) => p.slice(p.lastIndexOf('/') + 1);

/** present.{i}.key/value for every layer config.json's language_config names (none when it cannot be read: the loader names that problem). */
export function presentNames(configBytes: Uint8Array | undefined): string[] {
  try {
    const layers = (JSON.parse(new TextDecoder().decode(configBytes)) as { language_config?: { num_hidden_layers?: unknown } }).language_config?.num_hidden_layers;
    return Number.isInteger(layers) ? Array.from({ length: layers as number }, (_, i) => [`present.${i}.key`, `present.${i}.value`]).flat() : [];
  } catch {
    return [];
  }
}

/** Open a Janus folder from its files' bytes on `backend`; the previous family is released only after it loads. */
export async function openFamily(
  label: string, files: Readonly<Record<string, Uint8Array>>, backend: WebBackend, onGraph?: (graph: string, index: number, total: number) => void,
): Promise<FamilyInfo> {
  const byPath = new Map(Object.entries(files));
  const folder = bytesFolder(label, byPath);
  const sessionFor: JanusSessionFactory = async (file) => {
    const model = byPath.get(file.path);
    if (!model) throw new InputError(`${file.path} was not among the files opened`);
    const externalData = file.externalData.map((p) => {
      const data = byPath.get(p);
      if (!data) throw new InputError(`${p} (external data of ${file.path}) was not among the files opened`);
      return { path: basename(p), data };
    });
    // On WebGPU the KV cache (present.*) stays in GPU buffers between decode steps: the next step
    // takes them as its past_key_values.* as they are, and only the logits come back to JS.
    const deviceOutputs = file.graph === 'language_model' ? presentNames(byPath.get('config.json')) : [];
    if (backend === 'webgpu' && file.graph === 'prepare_inputs_embeds') {
      // Its known WebGPU problem (empty pixel_values): WASM takes it over if WebGPU refuses it. The
      // bytes stay referenced for that, the cost of the fallback (the graph's size in memory).
      return withGraphFallback({
        graph: file.graph,
        primary: () => createWebSession(model, 'webgpu', { externalData }),
        fallback: () => createWebSession(model, 'wasm', { externalData }),
        onFallback: (note) => moved.push(note),
      });
    }
    return createWebSession(model, backend, { externalData, deviceOutputs });
  };
  const moved: string[] = [];
  const dtypes = dtypesOfFiles([...byPath.keys()]);
  const missing = JANUS_GRAPHS.filter((g) => dtypes[g] === undefined);
  // A graph sent at no dtype: the loader falls back to its default (the export's hint, else fp32) and names that file as missing.
  const dtype: DtypeChoice | undefined = missing.length === 0 ? (dtypes as Record<JanusGraph, JanusDtype>) : undefined;
  const model = await loadJanus(folder, sessionFor, {
    dtype,
    // A big graph's session can hold the worker for seconds: a beat per graph tells the page's
    // watchdog it is alive, and the page shows which graph is being opened.
    onGraph(graph, i, total) {
      heartbeat();
      onGraph?.(graph, i, total);
    },
  });
  byPath.clear(); // ORT holds its own copy now
  const family = janusFamily(model);
  const info: FamilyInfo = {
    id: family.id,
    label,
    description: family.description,
    capabilities: family.capabilities,
    backend,
    dtypes: Object.fromEntries(JANUS_GRAPHS.map((g) => [g, model.files[g].dtype])),
    bytes: Object.values(files).reduce((n, b) => n + b.byteLength, 0),
    warnings: model.warnings,
  };
  const old = active;
  active = { family, info, moved };
  await old?.family.release();
  return info;
}

/** Back to the tiny model. */
export async function closeFamily(): Promise<void> {
  const old = active;
  active = null;
  await old?.family.release();
}

/** For jobs only the tiny model can run (training): a plain sentence instead of a failure deep inside. */
export function requireTinyModel(what: string): void {
  if (active) throw new InputError(`${what} works with the tiny model only; ${active.info.label} is open. Switch back to the tiny model first (Model & device).`);
}
