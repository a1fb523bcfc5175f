// Reading a typed id or URL, and the hub listing's sizes with the missing files named.
import { describe, expect, test } from 'vitest';
import { fileUrl, hubTreeUrl, parseModelLocation } from '../../../src/core/modelFiles/location.ts';
import { sizesFromHubTree } from '../../../src/core/modelFiles/sizes.ts';

const ORIGIN = 'http://127.0.0.1:5173';

describe('parseModelLocation', () => {
  test('a hub id, or its page URL, is the hub', () => {
    for (const input of ['onnx-community/Janus-Pro-1B-ONNX', ' https://huggingface.co/onnx-community/Janus-Pro-1B-ONNX/tree/main ']) {
      const loc = parseModelLocation(input, ORIGIN);
      expect(loc).toEqual({
        kind: 'hub', id: 'onnx-community/Janus-Pro-1B-ONNX', label: 'onnx-community/Janus-Pro-1B-ONNX',
        base: 'https://huggingface.co/onnx-community/Janus-Pro-1B-ONNX/resolve/main/',
      });
    }
    expect(fileUrl(parseModelLocation('a/b', ORIGIN), 'onnx/lm_head.onnx')).toBe('https://huggingface.co/a/b/resolve/main/onnx/lm_head.onnx');
    expect(hubTreeUrl('a/b')).toBe('https://huggingface.co/api/models/a/b/tree/main?recursive=true');
  });

  test('a site path or any http(s) URL is a folder; the base ends in /', () => {
    expect(parseModelLocation('/fixtures/janus-tiny', ORIGIN)).toEqual({ kind: 'url', label: '/fixtures/janus-tiny/', base: `${ORIGIN}/fixtures/janus-tiny/` });
    expect(parseModelLocation('https://example.org/m/?x=1', ORIGIN)).toEqual({ kind: 'url', label: 'https://example.org/m/', base: 'https://example.org/m/' });
  });

  test('anything else is refused with what was expected', () => {
    expect(() => parseModelLocation('  ', ORIGIN)).toThrow('give a Hugging Face id (owner/name) or the URL of a model folder');
    expect(() => parseModelLocation('janus', ORIGIN)).toThrow('"janus" is neither a Hugging Face id (owner/name) nor a URL');
    expect(() => parseModelLocation('file:///home/m/', ORIGIN)).toThrow('only http(s) URLs can be fetched');
  });
});

describe('sizesFromHubTree', () => {
  const tree = [
    { type: 'directory', path: 'onnx', size: 0 },
    { type: 'file', path: 'config.json', size: 1234 },
    { type: 'file', path: 'onnx/lm_head.onnx', size: 10, lfs: { size: 800_000_000 } },
    { type: 'file', path: 'onnx/lm_head_q4.onnx', size: 200 },
  ];

  test('sizes in the order asked, the LFS size where given', () => {
    expect([...sizesFromHubTree(tree, ['onnx/lm_head.onnx', 'config.json'], 'a/b')]).toEqual([['onnx/lm_head.onnx', 800_000_000], ['config.json', 1234]]);
  });

  test('missing files are all named, with the dtypes the repository has for that graph', () => {
    expect(() => sizesFromHubTree(tree, ['onnx/lm_head_int8.onnx', 'onnx/gen_head.onnx', 'tokenizer.json'], 'a/b')).toThrow(
      'a/b has no onnx/lm_head_int8.onnx (it holds lm_head as fp32, q4); no onnx/gen_head.onnx (it holds no gen_head graph); no tokenizer.json',
    );
    expect(() => sizesFromHubTree({ error: 'x' }, [], 'a/b')).toThrow("the hub's file listing for a/b is not a list");
  });
});
