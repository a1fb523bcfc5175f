// One graph on a second backend when the first refuses it. Janus' prepare_inputs_embeds has a known
// WebGPU problem with empty pixel_values (text-to-image feeds a [0,0,3,384,384] image;
// transformers.js' own demo runs that graph on WASM, see its PR #1057): the session is made on
// WebGPU, and if making it or a run fails, the graph moves to the fallback backend for good and the
// run is repeated there. The move is reported once, in words, so the view can say it happened.
// Pure: both sessions come from the caller's factories.
import type { Feeds, ModelSession, Results } from '../../runtime/session.ts';

export interface GraphFallback {
  readonly graph: string; // as the note names it
  readonly primary: () => Promise<ModelSession>;
  readonly fallback: () => Promise<ModelSession>;
  /** Called once, when the graph moves: e.g. "prepare_inputs_embeds runs on wasm: webgpu failed to run it (...)". */
  readonly onFallback: (note: string) => void;
}

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

/**
 * The primary backend's session, moving to the fallback's on a creation or run failure. A failure
 * on the fallback too is thrown with both reasons. Names and metadata are the primary's (the same
 * graph); after a creation failure they are the fallback's.
 */
export async function withGraphFallback(g: GraphFallback): Promise<ModelSession> {
  let current: ModelSession;
  let moved = false;
  try {
    current = await g.primary();
  } catch (e) {
    const fb = await g.fallback().catch((e2: unknown) => {
      throw new Error(`${g.graph}: the primary backend refused it (${message(e)}) and so did the fallback (${message(e2)})`);
    });
    g.onFallback(`${g.graph} runs on ${fb.backend}: the primary backend could not make its session (${message(e)})`);
    return fb;
  }
  const primary = current;
  return {
    get backend() { return current.backend; },
    inputNames: primary.inputNames,
    outputNames: primary.outputNames,
    inputMetadata: primary.inputMetadata,
    outputMetadata: primary.outputMetadata,
    async run(feeds: Feeds, outputs?: readonly string[]): Promise<Results> {
      if (moved) return current.run(feeds, outputs);
      try {
        return await primary.run(feeds, outputs);
      } catch (e) {
        let fb: ModelSession;
        try {
          fb = await g.fallback();
        } catch (e2) {
          throw new Error(`${g.graph}: ${primary.backend} failed to run it (${message(e)}) and no fallback session could be made (${message(e2)})`);
        }
        current = fb;
        moved = true;
        await primary.release().catch(() => {}); // its buffers are of no further use
        g.onFallback(`${g.graph} runs on ${fb.backend}: ${primary.backend} failed to run it (${message(e)})`);
        return fb.run(feeds, outputs);
      }
    },
    release: () => current.release(),
  };
}
