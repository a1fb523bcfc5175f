// A model folder the user picked (<input webkitdirectory>) or dropped: the same file list as a
// fetched model, read straight from the File objects. Nothing is cached: the files stay on disk.
import { InputError } from '../errors.ts';
import { parseConfig, resolveFileList } from './fileList.ts';
import type { GraphDtypes } from './layout.ts';
import type { ModelFileSource } from './source.ts';

/** A file and its path inside the picked folder ('onnx/lm_head.onnx'). */
export interface FolderFile {
  readonly path: string;
  readonly file: Blob;
}

/**
 * Files from a directory input: their webkitRelativePath starts with the folder's own name
 * ('janus-tiny/onnx/lm_head.onnx'), which is dropped and becomes the label.
 */
export function filesFromDirectoryInput(list: Iterable<File>): { name: string; files: FolderFile[] } {
  const files: FolderFile[] = [];
  let name = '';
  for (const file of list) {
    const rel = file.webkitRelativePath || file.name;
    const cut = rel.indexOf('/');
    name ||= cut > 0 ? rel.slice(0, cut) : '';
    files.push({ path: cut > 0 ? rel.slice(cut + 1) : rel, file });
  }
  return { name, files };
}

/** The folder as a source for the dtypes chosen; every file it lacks is named at once. */
export async function folderSource(name: string, files: readonly FolderFile[], dtypes: GraphDtypes): Promise<ModelFileSource> {
  const label = `folder ${name || '(unnamed)'}`;
  const byPath = new Map(files.map((f) => [f.path, f.file]));
  const config = byPath.get('config.json');
  if (!config) throw new InputError(`${label} has no config.json at its top; pick the model folder itself (the one holding config.json and onnx/)`);
  const paths = resolveFileList(parseConfig(await config.text(), label), dtypes);
  const missing = paths.filter((p) => !byPath.has(p));
  if (missing.length) throw new InputError(`${label} has no ${missing.join(', ')}`);
  const entries = paths.map((path) => ({ path, size: byPath.get(path)!.size }));
  return {
    label,
    dtypes,
    list: async () => entries,
    async read(path) {
      const f = byPath.get(path);
      if (!f || !paths.includes(path)) throw new InputError(`${label} has no file ${path} among the files opened`);
      return new Uint8Array(await f.arrayBuffer());
    },
  };
}
