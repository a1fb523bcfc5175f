// prepare_inputs_embeds on a second backend when the first refuses it (graphFallback.ts; the worker
// uses it for WebGPU -> WASM, issue 14). No WebGPU EP fails here on demand, so both failures are
// real ORT failures on onnxruntime-node: (a) the primary session cannot be made (the graph file cut
// short); (b) the primary graph runs images but fails on text-to-image's empty pixel_values, as the
// known WebGPU problem does: a variant whose pixel_values pass through Reshape to [1, 3*S*S] and back
// (an identity for one image, an ORT error for a [0,0,3,S,S] tensor). Either way the family's images
// and rewards equal those of a family that never had the primary, and the move is said once.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import onnxProto from 'onnx-proto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nodeJanusSession, nodeModelFolder, openJanus } from '../../../src/cli/janusFolder.ts';
import { JANUS_TINY } from '../../../src/cli/janusFixture/sizes.ts';
import { writeJanusFixture } from '../../../src/cli/janusFixture/writeFixture.ts';
import type { ModelFamily } from '../../../src/core/families/family.ts';
import { janusFamily } from '../../../src/core/families/janus/family.ts';
import { withGraphFallback } from '../../../src/core/families/janus/graphFallback.ts';
import { type JanusSessionFactory, loadJanus } from '../../../src/core/families/janus/load.ts';
import { createNodeSession } from '../../../src/core/runtime/node.ts';
import type { ModelSession } from '../../../src/core/runtime/session.ts';

const PROMPT = 'a photo of a red cube';
const SAMPLING = { temperature: 1, topK: 0, topP: 1, minP: 0.03, cfgScale: 5 };
let dir: string;
let plain: ModelFamily;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'janus-fallback-'));
  writeJanusFixture(dir);
  plain = janusFamily(await openJanus(dir));
});
afterAll(async () => {
  await plain?.release();
  rmSync(dir, { recursive: true, force: true });
});

/** prepare_inputs_embeds whose pixel_values go through Reshape [1, 3*S*S] and back: fails on an empty image tensor. */
function failsOnEmptyPixels(bytes: Uint8Array): Uint8Array {
  const { onnx } = onnxProto;
  const m = onnx.ModelProto.decode(bytes);
  const g = m.graph!;
  const s = JANUS_TINY.imageSize;
  for (const node of g.node!) node.input = node.input!.map((x) => (x === 'pixel_values' ? 'pixel_values_checked' : x));
  const long = (name: string, dims: number[]) => onnx.TensorProto.create({ name, dataType: onnx.TensorProto.DataType.INT64, dims: [dims.length], int64Data: dims });
  g.initializer!.push(long('flat_shape', [1, 3 * s * s]));
  g.node!.unshift(
    onnx.NodeProto.create({ opType: 'Shape', input: ['pixel_values'], output: ['pixel_shape'] }),
    onnx.NodeProto.create({ opType: 'Reshape', input: ['pixel_values', 'flat_shape'], output: ['pixel_flat'] }),
    onnx.NodeProto.create({ opType: 'Reshape', input: ['pixel_flat', 'pixel_shape'], output: ['pixel_values_checked'] }),
  );
  return onnx.ModelProto.encode(m).finish();
}

/** The folder's family with prepare_inputs_embeds made by `primary`, falling back to the folder's own graph. */
async function familyWithPrimary(primary: () => Promise<ModelSession>, notes: string[]): Promise<ModelFamily> {
  const factory: JanusSessionFactory = (file, folder) => (file.graph !== 'prepare_inputs_embeds' ? nodeJanusSession(file, folder) : withGraphFallback({
    graph: file.graph, primary, fallback: () => nodeJanusSession(file, folder), onFallback: (n) => notes.push(n),
  }));
  return janusFamily(await loadJanus(nodeModelFolder(dir), factory));
}

async function expectSameAsPlain(f: ModelFamily): Promise<void> {
  const [a, b] = [await f.generate({ prompt: PROMPT, seeds: [7], ...SAMPLING }), await plain.generate({ prompt: PROMPT, seeds: [7], ...SAMPLING })];
  expect(Buffer.from(a[0].image.data).equals(Buffer.from(b[0].image.data)), 'the same image').toBe(true);
  const [sa, sb] = [await f.score({ prompt: PROMPT, images: [a[0].image] }), await plain.score({ prompt: PROMPT, images: [b[0].image] })];
  expect(sa[0].reward).toBe(sb[0].reward);
}

describe('withGraphFallback (prepare_inputs_embeds)', () => {
  it('bad input: a primary session that cannot be made (file cut short) -> the fallback runs the graph, said once', async () => {
    const notes: string[] = [];
    const bytes = readFileSync(join(dir, 'onnx/prepare_inputs_embeds.onnx'));
    const f = await familyWithPrimary(() => createNodeSession(bytes.subarray(0, bytes.length >> 1)), notes);
    await expectSameAsPlain(f);
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatch(/^prepare_inputs_embeds runs on node: the primary backend could not make its session \(.*(protobuf|parse|Load model)/i);
    await f.release();
  });

  it('a primary that scores images but fails on empty pixel_values -> generation moves to the fallback, said once, scores unchanged', async () => {
    const notes: string[] = [];
    const bytes = failsOnEmptyPixels(readFileSync(join(dir, 'onnx/prepare_inputs_embeds.onnx')));
    const f = await familyWithPrimary(() => createNodeSession(bytes, { optimize: false }), notes);
    // Understanding feeds one image: the primary runs it, nothing moves.
    const img = (await plain.generate({ prompt: PROMPT, seeds: [3], ...SAMPLING }))[0].image;
    const [s, p] = [await f.score({ prompt: PROMPT, images: [img] }), await plain.score({ prompt: PROMPT, images: [img] })];
    // The primary runs unoptimised (optimize: false), the plain family lets ORT fuse LayerNorm: float32 rounding apart
    expect(Math.abs(s[0].reward - p[0].reward)).toBeLessThan(1e-6 * Math.abs(p[0].reward) + 1e-9);
    expect(notes, 'the primary ran the image').toEqual([]);
    // Text-to-image feeds an empty image tensor: the primary fails, the fallback takes over for good.
    await expectSameAsPlain(f);
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatch(/^prepare_inputs_embeds runs on node: node failed to run it \(.*[Rr]eshape/);
    await f.release();
  });

  it('bad input: both backends refusing is one error naming both reasons', async () => {
    await expect(withGraphFallback({
      graph: 'prepare_inputs_embeds',
      primary: () => createNodeSession(new Uint8Array([1, 2, 3])),
      fallback: () => createNodeSession(new Uint8Array([4, 5])),
      onFallback: () => {},
    })).rejects.toThrow(/^prepare_inputs_embeds: the primary backend refused it \(.+\) and so did the fallback \(.+\)$/s);
  });
});
