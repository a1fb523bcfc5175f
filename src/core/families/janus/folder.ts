// A model folder as the Janus family sees it: named files, read on demand. Node reads a directory
// (src/cli/janusFolder.ts), the browser fetches from a URL or a picked directory; the family
// never learns which, so it stays free of node:fs and fetch.
import { InputError } from '../../errors.ts';

export interface ModelFolder {
  /** Where the folder is, for messages: a path or a URL. */
  readonly location: string;
  /** Whether the folder holds `path` (relative, '/'-separated: 'onnx/lm_head.onnx'). */
  exists(path: string): Promise<boolean>;
  /** The file's bytes; rejects when it is missing. */
  read(path: string): Promise<Uint8Array>;
}

/** "DIR/config.json": the file as a user would look for it. */
export const filePath = (folder: ModelFolder, path: string): string => `${folder.location.replace(/\/+$/, '')}/${path}`;

/** A JSON object file; a missing, non-UTF-8, cut-short or non-object file is an InputError naming it. */
export async function readJsonObject(folder: ModelFolder, path: string): Promise<Record<string, unknown>> {
  const where = filePath(folder, path);
  if (!(await folder.exists(path))) throw new InputError(`${where} is missing`);
  const bytes = await folder.read(path);
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch (e) {
    // A download cut short ends mid-JSON: say so, with the size, since that is the usual cause.
    throw new InputError(`${where}: not valid JSON (${(e as Error).message}; ${bytes.byteLength} bytes; a truncated download?)`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new InputError(`${where}: expected a JSON object`);
  return value as Record<string, unknown>;
}

/** Reads typed fields of one JSON object; every error names the file and the field (dotted path). */
export class JsonFields {
  constructor(
    private readonly file: string,
    private readonly obj: Record<string, unknown>,
    private readonly prefix = '',
  ) {}

  private fail(key: string, want: string): never {
    const v = this.obj[key];
    const got = v === undefined ? 'it is missing' : `got ${JSON.stringify(v)?.slice(0, 80)}`;
    throw new InputError(`${this.file}: ${this.prefix}${key} must be ${want}; ${got}`);
  }

  has(key: string): boolean {
    return this.obj[key] !== undefined && this.obj[key] !== null;
  }

  raw(key: string): unknown {
    return this.obj[key];
  }

  object(key: string): JsonFields {
    const v = this.obj[key];
    if (typeof v !== 'object' || v === null || Array.isArray(v)) this.fail(key, 'an object');
    return new JsonFields(this.file, v as Record<string, unknown>, `${this.prefix}${key}.`);
  }

  positiveInt(key: string): number {
    const v = this.obj[key];
    if (!Number.isInteger(v) || (v as number) <= 0) this.fail(key, 'a positive integer');
    return v as number;
  }

  nonNegativeInt(key: string): number {
    const v = this.obj[key];
    if (!Number.isInteger(v) || (v as number) < 0) this.fail(key, 'an integer >= 0');
    return v as number;
  }

  number(key: string): number {
    const v = this.obj[key];
    if (typeof v !== 'number' || !Number.isFinite(v)) this.fail(key, 'a finite number');
    return v as number;
  }

  string(key: string): string {
    const v = this.obj[key];
    if (typeof v !== 'string' || v === '') this.fail(key, 'a non-empty string');
    return v as string;
  }

  boolean(key: string): boolean {
    const v = this.obj[key];
    if (typeof v !== 'boolean') this.fail(key, 'true or false');
    return v as boolean;
  }

  numbers(key: string, length: number): number[] {
    const v = this.obj[key];
    if (!Array.isArray(v) || v.length !== length || !v.every((x) => typeof x === 'number' && Number.isFinite(x))) {
      this.fail(key, `a list of ${length} numbers`);
    }
    return v as number[];
  }

  /** A field that must equal `want` exactly (model_type). */
  equals(key: string, want: string): void {
    if (this.obj[key] !== want) this.fail(key, JSON.stringify(want));
  }
}
