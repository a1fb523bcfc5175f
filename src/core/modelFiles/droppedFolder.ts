// A folder dropped on the page, read through the entries API (webkitGetAsEntry), which Chromium,
// Firefox and Safari all offer for drops: the same FolderFile list a directory input gives.
import { InputError } from '../errors.ts';
import type { FolderFile } from './folderSource.ts';

const fileOf = (e: FileSystemFileEntry) => new Promise<File>((resolve, reject) => e.file(resolve, reject));

/** A directory's entries; readEntries hands them out in batches (100 in Chromium) until an empty one. */
async function entriesOf(dir: FileSystemDirectoryEntry): Promise<FileSystemEntry[]> {
  const reader = dir.createReader();
  const all: FileSystemEntry[] = [];
  for (;;) {
    const batch = await new Promise<FileSystemEntry[]>((resolve, reject) => reader.readEntries(resolve, reject));
    if (batch.length === 0) return all;
    all.push(...batch);
  }
}

async function walk(entry: FileSystemEntry, prefix: string, out: FolderFile[]): Promise<void> {
  if (entry.isFile) out.push({ path: prefix + entry.name, file: await fileOf(entry as FileSystemFileEntry) });
  else if (entry.isDirectory) {
    for (const e of await entriesOf(entry as FileSystemDirectoryEntry)) await walk(e, `${prefix}${entry.name}/`, out);
  }
}

/** The one folder in a drop, its files with paths inside it; a drop of files or of several folders is refused. */
export async function filesFromDrop(data: DataTransfer): Promise<{ name: string; files: FolderFile[] }> {
  const entries = [...data.items].map((i) => i.webkitGetAsEntry()).filter((e): e is FileSystemEntry => e !== null);
  const dirs = entries.filter((e) => e.isDirectory);
  if (dirs.length !== 1 || entries.length !== 1) throw new InputError('drop one model folder (the one holding config.json and onnx/)');
  const files: FolderFile[] = [];
  for (const e of await entriesOf(dirs[0] as FileSystemDirectoryEntry)) await walk(e, '', files);
  return { name: dirs[0].name, files };
}
