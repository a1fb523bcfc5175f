// The fixture's q4 variant (issue 14): onnx/{graph}_q4.onnx with com.microsoft MatMulNBits (4-bit,
// blocks of 16 along K, one scale per block, as the onnx-community q4 files), opened by the same
// loader at dtype q4 on onnxruntime-node. Its understanding p per word and its greedy images equal
// those of the dequantised twin (the same graphs with plain MatMuls on (q - 8) * scale), and differ
// from the fp32 graphs' (the weights really are 4-bit).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import onnxProto from 'onnx-proto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openJanus } from '../../../src/cli/janusFolder.ts';
import { JANUS_TINY } from '../../../src/cli/janusFixture/sizes.ts';
import { quantiseQ4 } from '../../../src/cli/janusFixture/q4Variant.ts';
import { writeJanusFixture } from '../../../src/cli/janusFixture/writeFixture.ts';
import type { ModelFamily } from '../../../src/core/families/family.ts';
import { janusFamily } from '../../../src/core/families/janus/family.ts';

const PROMPT = 'a photo of a red cube';
const GREEDY = { temperature: 0, topK: 0, topP: 1, minP: 0, cfgScale: 5 };
let root: string;
let q4: ModelFamily;
let twin: ModelFamily;
let fp32: ModelFamily;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'janus-q4-'));
  writeJanusFixture(join(root, 'q4'), JANUS_TINY, { q4: true });
  writeJanusFixture(join(root, 'twin'), JANUS_TINY, { q4: 'dequantised' });
  q4 = janusFamily(await openJanus(join(root, 'q4'), { dtype: 'q4' }));
  twin = janusFamily(await openJanus(join(root, 'twin'), { dtype: 'q4' }));
  fp32 = janusFamily(await openJanus(join(root, 'q4'), { dtype: 'fp32' }));
});
afterAll(async () => {
  await Promise.all([q4, twin, fp32].map((f) => f?.release()));
  rmSync(root, { recursive: true, force: true });
});

describe('q4 fixture (MatMulNBits)', () => {
  it('quantises blocks symmetrically: codes in [0, 15], two a byte, dequantised within half a step', () => {
    const w = Float32Array.from({ length: 32 * 3 }, (_, i) => Math.sin(i * 1.7) * (1 + (i % 5)));
    const { packed, scales, dequantised } = quantiseQ4(w, 32, 3, 16);
    expect(packed.length).toBe(3 * 2 * 8);
    expect(scales.length).toBe(3 * 2);
    for (let k = 0; k < 32; k++) {
      for (let n = 0; n < 3; n++) expect(Math.abs(dequantised[k * 3 + n] - w[k * 3 + n])).toBeLessThanOrEqual(scales[n * 2 + (k >> 4)] / 2 + 1e-6);
    }
  });

  it('every graph\'s weight MatMuls are MatMulNBits in the com.microsoft domain', () => {
    const { onnx } = onnxProto;
    const m = onnx.ModelProto.decode(readFileSync(join(root, 'q4', 'onnx/language_model_q4.onnx')));
    const ops = m.graph!.node!.map((n) => `${n.domain ?? ''}:${n.opType}`);
    expect(ops.filter((o) => o === 'com.microsoft:MatMulNBits').length).toBeGreaterThanOrEqual(7 * JANUS_TINY.layers);
    expect(m.opsetImport!.some((o) => o.domain === 'com.microsoft')).toBe(true);
    const node = m.graph!.node!.find((n) => n.opType === 'MatMulNBits')!;
    expect(Object.fromEntries(node.attribute!.map((a) => [a.name, Number(a.i)]))).toMatchObject({ bits: 4, block_size: 16 });
  });

  it('loads at dtype q4; greedy images and per-word p equal the dequantised fp32 twin\'s, and differ from fp32', async () => {
    const [a, b] = await Promise.all([q4, twin].map((f) => f.generate({ prompt: PROMPT, seeds: [1, 2], ...GREEDY })));
    a.forEach((x, k) => expect(Buffer.from(x.image.data).equals(Buffer.from(b[k].image.data)), `image ${k}`).toBe(true));
    const images = a.map((x) => x.image);
    const [sa, sb, sc] = await Promise.all([q4, twin, fp32].map((f) => f.score({ prompt: PROMPT, images })));
    let maxRel = 0;
    for (const [k, s] of sa.entries()) {
      s.words.forEach((w, i) => { maxRel = Math.max(maxRel, Math.abs(w.p - sb[k].words[i].p) / sb[k].words[i].p); });
    }
    expect(maxRel, 'q4 vs dequantised twin, per-word p').toBeLessThan(1e-4);
    expect(sa.map((s) => s.reward)).not.toEqual(sc.map((s) => s.reward));
  });
});
