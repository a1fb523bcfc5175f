// LoRA (Hu et al. 2021, eq. 3): a frozen weight W [in, out] gains a low-rank update,
//   y = x W + (alpha / r) * (x A) B,   A [in, r], B [r, out], B = 0 at init,
// so a fresh adapter is the base model exactly. GvU trains only A and B (r = 8, alpha = 32 on the
// linear layers of the backbone and heads, never the embeddings or norms).
//
// Adapter tensors are graph inputs named lora.<param>.A / lora.<param>.B (lora.h0.attn.wq.A), so
// updating an adapter never rebuilds a session. A target names a family of parameters the way
// PEFT's target_modules does: it matches a parameter equal to it or ending in '.<target>'.
import { InputError } from '../errors.ts';

/** Every linear weight LoRA may adapt. Embeddings, norms, biases and the patch encoder are not here. */
export const LORA_TARGETS = [
  'attn.wq', 'attn.wk', 'attn.wv', 'attn.wo', 'mlp.up', 'mlp.down', 'head_text', 'head_image',
] as const;
export type LoraTarget = (typeof LORA_TARGETS)[number];

export interface LoraConfig {
  readonly rank: number; // r: inner width of the update
  readonly alpha: number; // the update is scaled by alpha / r
  readonly targets: readonly LoraTarget[]; // which parameter families get an adapter
}

/** The paper's setting: r = 8, alpha = 32, every linear layer of the backbone and both heads. */
export const LORA_DEFAULTS: LoraConfig = { rank: 8, alpha: 32, targets: LORA_TARGETS };

/** Fill defaults and check every field; errors name the field (or target) at fault. */
export function validateLora(raw: unknown = {}): LoraConfig {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw new InputError('lora config: expected an object');
  const c = { ...LORA_DEFAULTS, ...(raw as Record<string, unknown>) } as Record<string, unknown>;
  const unknown = Object.keys(c).filter((k) => !(k in LORA_DEFAULTS));
  if (unknown.length) throw new InputError(`lora config: unknown fields ${unknown.join(', ')} (known: rank, alpha, targets)`);
  if (!Number.isInteger(c.rank) || (c.rank as number) <= 0) throw new InputError(`lora config: rank must be a positive integer, got ${JSON.stringify(c.rank)}`);
  if (typeof c.alpha !== 'number' || !Number.isFinite(c.alpha) || c.alpha <= 0) {
    throw new InputError(`lora config: alpha must be a positive number, got ${JSON.stringify(c.alpha)}`);
  }
  if (!Array.isArray(c.targets) || c.targets.length === 0) throw new InputError('lora config: targets must be a non-empty list');
  const seen = new Set<string>();
  for (const t of c.targets as unknown[]) {
    if (typeof t !== 'string' || !(LORA_TARGETS as readonly string[]).includes(t)) {
      const why = typeof t === 'string' && /emb|ln|norm|scale|bias|_b$|patch/.test(t) ? ' (LoRA never adapts embeddings, norms, biases or the patch encoder)' : '';
      throw new InputError(`lora config: unknown target ${JSON.stringify(t)}${why}; valid: ${LORA_TARGETS.join(', ')}`);
    }
    if (seen.has(t)) throw new InputError(`lora config: target ${t} is listed twice`);
    seen.add(t);
  }
  return { rank: c.rank as number, alpha: c.alpha, targets: [...(c.targets as LoraTarget[])] };
}

export const loraScale = (lora: LoraConfig): number => lora.alpha / lora.rank;

/** PEFT's target_modules rule: the parameter is the target or ends in '.<target>'. */
export const isLoraTarget = (param: string, lora: LoraConfig): boolean =>
  lora.targets.some((t) => param === t || param.endsWith(`.${t}`));

export const loraInputNames = (param: string): { a: string; b: string } => ({ a: `lora.${param}.A`, b: `lora.${param}.B` });

/**
 * Shapes of an adapter's tensors for the given base shapes (paramShapes(cfg)), in parameter order:
 * lora.<p>.A [in, r] and lora.<p>.B [r, out] for every targeted matrix p [in, out].
 */
export function loraShapes(base: Readonly<Record<string, readonly number[]>>, lora: LoraConfig): Record<string, number[]> {
  const shapes: Record<string, number[]> = {};
  for (const [param, s] of Object.entries(base)) {
    if (!isLoraTarget(param, lora)) continue;
    if (s.length !== 2) throw new Error(`lora: target ${param} has shape [${s.join(', ')}], expected a matrix`);
    const { a, b } = loraInputNames(param);
    shapes[a] = [s[0], lora.rank];
    shapes[b] = [lora.rank, s[1]];
  }
  return shapes;
}
