// A picked folder as a ModelFileSource (File objects exist in Node too), readGraph's external data
// form, and HEAD-request sizes against a real local HTTP server.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { filesFromDirectoryInput, folderSource } from '../../../src/core/modelFiles/folderSource.ts';
import { graphDtypes, JANUS_GRAPHS, ROOT_FILES } from '../../../src/core/modelFiles/layout.ts';
import { parseModelLocation } from '../../../src/core/modelFiles/location.ts';
import { remoteSizes } from '../../../src/core/modelFiles/sizes.ts';
import { readGraph } from '../../../src/core/modelFiles/source.ts';

const CONFIG = JSON.stringify({ model_type: 'multi_modality', 'transformers.js_config': { use_external_data_format: { language_model: 2 } } });

/** A folder as a directory input gives it: every path under 'tiny/'. */
function pickedFolder(skip: string[] = []): File[] {
  const paths = [...ROOT_FILES, ...JANUS_GRAPHS.map((g) => `onnx/${g}.onnx`), 'onnx/language_model.onnx_data', 'onnx/language_model.onnx_data_1', 'README.md'];
  return paths.filter((p) => !skip.includes(p)).map((p) => {
    const f = new File([p === 'config.json' ? CONFIG : `bytes of ${p}`], p.split('/').pop()!);
    Object.defineProperty(f, 'webkitRelativePath', { value: `tiny/${p}` });
    return f;
  });
}

describe('folderSource', () => {
  test('lists the resolved files with sizes and reads them; readGraph gives ORT external data by basename', async () => {
    const { name, files } = filesFromDirectoryInput(pickedFolder());
    expect(name).toBe('tiny');
    const src = await folderSource(name, files, graphDtypes('fp32'));
    expect(src.label).toBe('folder tiny');
    expect(src.dtypes).toEqual(graphDtypes('fp32'));
    const list = await src.list();
    expect(list.map((e) => e.path)).not.toContain('README.md');
    expect(list.find((e) => e.path === 'onnx/lm_head.onnx')).toEqual({ path: 'onnx/lm_head.onnx', size: 'bytes of onnx/lm_head.onnx'.length });
    const g = await readGraph(src, 'onnx/language_model.onnx');
    expect(new TextDecoder().decode(g.model)).toBe('bytes of onnx/language_model.onnx');
    expect(g.externalData.map((d) => [d.path, new TextDecoder().decode(d.data)])).toEqual([
      ['language_model.onnx_data', 'bytes of onnx/language_model.onnx_data'],
      ['language_model.onnx_data_1', 'bytes of onnx/language_model.onnx_data_1'],
    ]);
    expect((await readGraph(src, 'onnx/lm_head.onnx')).externalData).toEqual([]);
    await expect(src.read('README.md')).rejects.toThrow('folder tiny has no file README.md among the files opened');
  });

  test('every missing file is named; a folder without config.json says which folder to pick', async () => {
    const { name, files } = filesFromDirectoryInput(pickedFolder(['onnx/gen_head.onnx', 'onnx/language_model.onnx_data_1']));
    await expect(folderSource(name, files, graphDtypes('fp32'))).rejects.toThrow('folder tiny has no onnx/language_model.onnx_data_1, onnx/gen_head.onnx');
    await expect(folderSource(name, files, graphDtypes('q4'))).rejects.toThrow('folder tiny has no onnx/prepare_inputs_embeds_q4.onnx');
    const noConfig = filesFromDirectoryInput(pickedFolder(['config.json']));
    await expect(folderSource(noConfig.name, noConfig.files, graphDtypes('fp32'))).rejects.toThrow('folder tiny has no config.json at its top');
  });
});

describe('remoteSizes over HEAD', () => {
  const bodies: Record<string, string> = { '/m/config.json': '{}', '/m/onnx/a.onnx': 'x'.repeat(1234) };
  const server = createServer((req, res) => {
    const body = bodies[req.url ?? ''];
    if (req.url === '/m/nolength') {
      res.writeHead(200, { 'Transfer-Encoding': 'chunked' });
      return res.end();
    }
    if (body === undefined) return res.writeHead(404).end();
    res.writeHead(200, { 'Content-Length': Buffer.byteLength(body) }).end(req.method === 'HEAD' ? undefined : body);
  });
  let origin = '';
  beforeAll(async () => {
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  test('sizes from Content-Length; every 404 named with its URL; no length is refused', async () => {
    const loc = parseModelLocation('/m', origin);
    expect([...await remoteSizes(loc, ['onnx/a.onnx', 'config.json'])]).toEqual([['onnx/a.onnx', 1234], ['config.json', 2]]);
    await expect(remoteSizes(loc, ['config.json', 'onnx/b.onnx', 'tokenizer.json'])).rejects.toThrow(
      `missing file onnx/b.onnx: 404 Not Found at ${origin}/m/onnx/b.onnx\nmissing file tokenizer.json: 404 Not Found at ${origin}/m/tokenizer.json`,
    );
    await expect(remoteSizes(loc, ['nolength'])).rejects.toThrow(`the server did not give the size of nolength (no Content-Length on HEAD ${origin}/m/nolength)`);
  });
});

test('a refused request names the URL instead of "fetch failed"', async () => {
  // Port 1 on loopback: nothing listens, the connection is refused.
  const loc = parseModelLocation('http://127.0.0.1:1/m/', 'http://127.0.0.1:5173');
  await expect(remoteSizes(loc, ['config.json'])).rejects.toThrow(
    'cannot reach http://127.0.0.1:1/m/config.json (the size of config.json): the network failed or the browser refused the request',
  );
});
