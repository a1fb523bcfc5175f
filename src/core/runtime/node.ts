// onnxruntime-node (CPU) sessions: the CLI's and the tests' runtime.
import * as ort from 'onnxruntime-node';
import { type Feeds, type ModelSession, type Results, type SessionOptions, checkFeeds, withoutFrozen, runFailure, toValueMeta } from './session.ts';
import { type OrtTensorCtor, fromOrt, toOrt } from './ortTensors.ts';

/**
 * GVU_ORT_THREADS=n caps each session's intra-op threads. Runs that share the machine (two GvU runs
 * on two cores) otherwise each start one spinning thread per core and slow each other down.
 */
export function threadOptions(wanted?: number): ort.InferenceSession.SessionOptions {
  const raw = process.env.GVU_ORT_THREADS;
  if (raw === undefined || raw === '') return wanted ? { intraOpNumThreads: wanted, interOpNumThreads: 1 } : {};
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new Error(`GVU_ORT_THREADS must be a positive integer, got ${JSON.stringify(raw)}`);
  return { intraOpNumThreads: Math.min(n, wanted ?? n), interOpNumThreads: 1 };
}

/**
 * Idle pool threads sleep instead of spinning between ops. A decode step is ~300 ops of a few
 * microseconds each; on a shared machine a spinning thread that loses its core stalls every op
 * after it (measured on 2 loaded cores: a group of 8 images 2-3x faster without spinning,
 * docs/benchmarks.md "Session options"). Results do not depend on it.
 */
const NO_SPINNING = { session: { intra_op: { allow_spinning: '0' } } };

/**
 * `model` is the ONNX bytes, or a file path: from a path ORT reads external weights (`.onnx_data`
 * chunks) beside the file itself, so graphs past 2 GB never pass through a JS buffer.
 */
export async function createNodeSession(model: Uint8Array | string, opts: SessionOptions = {}): Promise<ModelSession> {
  const options: ort.InferenceSession.SessionOptions = {
    executionProviders: ['cpu'],
    graphOptimizationLevel: opts.optimize === false ? 'disabled' : 'all',
    ...threadOptions(opts.threads),
    extra: NO_SPINNING,
  };
  const session = typeof model === 'string' ? await ort.InferenceSession.create(model, options) : await ort.InferenceSession.create(model, options);
  const Tensor = ort.Tensor as unknown as OrtTensorCtor;
  return {
    backend: 'node',
    inputNames: session.inputNames,
    outputNames: session.outputNames,
    inputMetadata: session.inputMetadata.map(toValueMeta),
    outputMetadata: session.outputMetadata.map(toValueMeta),
    async run(allFeeds: Feeds, outputs?: readonly string[]): Promise<Results> {
      const feeds = withoutFrozen(allFeeds, opts.frozen);
      checkFeeds(session.inputNames, feeds, opts.inputs);
      const ortFeeds = Object.fromEntries(Object.entries(feeds).map(([k, t]) => [k, toOrt(Tensor, t) as ort.Tensor]));
      let res: ort.InferenceSession.ReturnType;
      try {
        res = outputs ? await session.run(ortFeeds, [...outputs]) : await session.run(ortFeeds);
      } catch (err) {
        throw runFailure('node', err, feeds);
      }
      const out: Results = {};
      for (const [k, v] of Object.entries(res)) out[k] = await fromOrt(v);
      return out;
    },
    release: () => session.release(),
  };
}
