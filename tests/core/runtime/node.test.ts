// onnxruntime-node sessions: the thread cap that lets parallel CLI runs share a machine.
import { afterEach, describe, expect, it } from 'vitest';
import { Graph, add, serializeModel } from '../../../src/core/graph/index.ts';
import { createNodeSession, threadOptions } from '../../../src/core/runtime/node.ts';
import { tensor } from '../../../src/core/tensor.ts';

const model = () => {
  const g = new Graph('add');
  const x = g.input('x', 'float32', [2]);
  g.output(add(x, x), 'y');
  return serializeModel(g, 'x + x');
};

describe('createNodeSession', () => {
  afterEach(() => {
    delete process.env.GVU_ORT_THREADS;
  });

  it('turns GVU_ORT_THREADS=N into N intra-op threads and one inter-op thread; unset leaves ORT its default', () => {
    expect(threadOptions()).toEqual({});
    process.env.GVU_ORT_THREADS = '1';
    expect(threadOptions()).toEqual({ intraOpNumThreads: 1, interOpNumThreads: 1 });
    process.env.GVU_ORT_THREADS = '3';
    expect(threadOptions()).toEqual({ intraOpNumThreads: 3, interOpNumThreads: 1 });
  });

  it('runs with GVU_ORT_THREADS=1 and gives the same result', async () => {
    process.env.GVU_ORT_THREADS = '1';
    const s = await createNodeSession(model());
    expect(Array.from((await s.run({ x: tensor('float32', [2], [1, 2]) })).y.data as Float32Array)).toEqual([2, 4]);
    await s.release();
  });

  it('names GVU_ORT_THREADS when it is not a positive integer', async () => {
    process.env.GVU_ORT_THREADS = 'two';
    await expect(createNodeSession(model())).rejects.toThrow(/GVU_ORT_THREADS must be a positive integer, got "two"/);
  });
});
