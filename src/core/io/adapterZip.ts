// A LoRA adapter as one zip: adapter_config.json and adapter_model.safetensors at the zip root, the
// PEFT layout, so `unzip NAME.zip -d NAME` gives a directory PeftModel.from_pretrained reads.
// Bytes in, bytes out (fflate): the UI and Node share it. The tensors themselves are checked later,
// by decodeAdapter (model/adapter.ts); here only the zip and its two entries.
import { strFromU8, strToU8, unzipSync, zipSync } from 'fflate';
import { InputError } from '../errors.ts';
import { ADAPTER_CONFIG_FILE, ADAPTER_WEIGHTS_FILE, type AdapterFiles } from '../model/adapter.ts';

const ADAPTER_ENTRIES = [ADAPTER_CONFIG_FILE, ADAPTER_WEIGHTS_FILE] as const;

/** Whether an uploaded file should be read as an adapter zip (by its name, as the user chose it). */
export const isZipName = (name: string): boolean => /\.zip$/i.test(name);

/** The two PEFT files at the root of one zip (deflated). */
export function zipAdapter(files: AdapterFiles): Uint8Array<ArrayBuffer> {
  return zipSync({
    [ADAPTER_CONFIG_FILE]: strToU8(files[ADAPTER_CONFIG_FILE]),
    [ADAPTER_WEIGHTS_FILE]: files[ADAPTER_WEIGHTS_FILE],
  });
}

/**
 * The two PEFT files out of a zip. They are read at the root, or, failing that, wherever the zip
 * holds exactly one of each name (a zipped adapter folder). Anything else is an InputError naming
 * `name` (the uploaded file) and, for a missing file, listing what the zip holds.
 */
export function unzipAdapter(bytes: Uint8Array, name = 'adapter zip'): AdapterFiles {
  const held: string[] = [];
  let entries: Record<string, Uint8Array>;
  try {
    entries = unzipSync(bytes, {
      filter: (f) => {
        if (!f.name.endsWith('/')) held.push(f.name);
        return ADAPTER_ENTRIES.includes(baseName(f.name) as (typeof ADAPTER_ENTRIES)[number]) && !f.name.startsWith('__MACOSX/');
      },
    });
  } catch (e) {
    throw new InputError(`${name} is not a readable zip file (${(e as Error).message}); expected a zip holding ${ADAPTER_CONFIG_FILE} and ${ADAPTER_WEIGHTS_FILE}`);
  }
  const pick = (file: string): Uint8Array => {
    if (entries[file]) return entries[file];
    const nested = Object.keys(entries).filter((k) => baseName(k) === file);
    if (nested.length === 1) return entries[nested[0]];
    if (nested.length > 1) throw new InputError(`${name} holds ${nested.length} copies of ${file} (${nested.join(', ')}); expected one, at the zip root`);
    throw new InputError(`${name} has no ${file}; ${holding(held)}`);
  };
  const config = pick(ADAPTER_CONFIG_FILE);
  const weights = pick(ADAPTER_WEIGHTS_FILE);
  return { [ADAPTER_CONFIG_FILE]: strFromU8(config), [ADAPTER_WEIGHTS_FILE]: weights };
}

const baseName = (path: string) => path.slice(path.lastIndexOf('/') + 1);

function holding(names: string[]): string {
  if (!names.length) return 'the zip is empty';
  const shown = names.slice(0, 10).join(', ');
  return `it holds ${shown}${names.length > 10 ? ` (+${names.length - 10} more)` : ''}`;
}
