// Open a Janus folder: configs, tokenizer, the six graphs at the chosen dtypes, and the IO contract
// between them. Sessions come from the caller's factory (Node: a file path, so ORT reads the
// external data itself; browser: bytes plus externalData), so this file never imports a runtime.
import type { ModelSession } from '../../runtime/session.ts';
import { type JanusConfig, readJanusConfig } from './config.ts';
import { type JanusIO, type JanusSessions, checkContract } from './contract.ts';
import { conformFloats } from './floatIo.ts';
import type { ModelFolder } from './folder.ts';
import { graphOpenError } from './openFailure.ts';
import { type DtypeChoice, type GraphFile, JANUS_GRAPHS, type JanusGraph, resolveGraphFiles } from './graphFiles.ts';
import { type JanusTokenizer, loadJanusTokenizer } from './tokenizer.ts';

/** Creates one graph's session; `file.path` and `file.externalData` are relative to the folder. */
export type JanusSessionFactory = (file: GraphFile, folder: ModelFolder) => Promise<ModelSession>;

export interface JanusModel {
  readonly folder: ModelFolder;
  readonly cfg: JanusConfig;
  readonly tokenizer: JanusTokenizer;
  readonly files: Readonly<Record<JanusGraph, GraphFile>>;
  readonly sessions: JanusSessions;
  readonly io: JanusIO;
  readonly warnings: readonly string[]; // folder quirks that did not stop the load (a pad id disagreement)
  release(): Promise<void>;
}

export interface JanusLoadOptions {
  readonly dtype?: DtypeChoice; // default: the export's transformers.js_config.dtype, else fp32
  readonly onGraph?: (graph: JanusGraph, index: number, total: number) => void; // loading progress
}

export async function loadJanus(folder: ModelFolder, createSession: JanusSessionFactory, opts: JanusLoadOptions = {}): Promise<JanusModel> {
  const cfg = await readJanusConfig(folder);
  const tokenizer = await loadJanusTokenizer(folder, cfg);
  const files = await resolveGraphFiles(folder, cfg, opts.dtype);
  const sessions: Partial<Record<JanusGraph, ModelSession>> = {};
  const releaseAll = () => Promise.all(Object.values(sessions).map((s) => s.release())).then(() => undefined);
  try {
    for (const [i, graph] of JANUS_GRAPHS.entries()) {
      opts.onGraph?.(graph, i, JANUS_GRAPHS.length);
      try {
        sessions[graph] = conformFloats(await createSession(files[graph], folder)); // float16 IO (fp16, q4f16) read and fed as float32
      } catch (e) {
        throw graphOpenError(files[graph], folder, e);
      }
    }
    const io = checkContract(cfg, files, sessions as JanusSessions);
    return { folder, cfg, tokenizer, files, sessions: sessions as JanusSessions, io, warnings: tokenizer.warnings, release: releaseAll };
  } catch (e) {
    await releaseAll();
    throw e;
  }
}
