// onnxruntime-node (CPU) sessions: the CLI's and the tests' runtime.
import * as ort from 'onnxruntime-node';
import { type Feeds, type ModelSession, type Results, type SessionOptions, checkFeeds, runFailure } from './session.ts';
import { type OrtTensorCtor, fromOrt, toOrt } from './ortTensors.ts';

export async function createNodeSession(model: Uint8Array, opts: SessionOptions = {}): Promise<ModelSession> {
  const session = await ort.InferenceSession.create(model, {
    executionProviders: ['cpu'],
    graphOptimizationLevel: opts.optimize === false ? 'disabled' : 'all',
  });
  const Tensor = ort.Tensor as unknown as OrtTensorCtor;
  return {
    backend: 'node',
    inputNames: session.inputNames,
    outputNames: session.outputNames,
    async run(feeds: Feeds, outputs?: readonly string[]): Promise<Results> {
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
