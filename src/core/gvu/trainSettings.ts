// Every numeric GvU training setting, its allowed range and why, in one table that the Train view
// (inline, as the user types), the engine worker and the CLI (both through checkGvuConfig) check
// against. A setting outside its range cannot train (G = 1 has no group to compare, lr = 0 learns
// nothing) or wrecks the run (lr 0.05: one update drives the KL to 1e5), so it is refused with the
// range named, never silently clamped or replaced by a default.
import type { GvuConfig } from './trainer.ts';

export type NumericSetting = { [K in keyof GvuConfig]: GvuConfig[K] extends number ? K : never }[keyof GvuConfig];

export interface SettingRule {
  readonly label: string; // how a person calls it; every message starts with it
  readonly min: number;
  readonly max: number; // Infinity: no upper bound
  readonly integer?: boolean;
  readonly minExclusive?: boolean; // lr, clip, temperature, top-p: the edge value itself cannot train
  readonly maxExclusive?: boolean; // min-p: 1 keeps only the most likely code
  readonly why: string; // what the setting does, or what the edge would break
}

export const TRAIN_SETTING_RULES: Readonly<Record<NumericSetting, SettingRule>> = {
  steps: { label: 'steps', min: 1, max: 100_000, integer: true, why: 'each step is one rollout and its updates' },
  promptsPerStep: { label: 'prompts per step', min: 1, max: 128, integer: true, why: 'prompts sampled for each rollout' },
  groupSize: { label: 'group size', min: 2, max: 64, integer: true, why: 'GRPO compares images within a group' },
  innerUpdates: { label: 'inner updates', min: 1, max: 16, integer: true, why: 'Adam updates per rollout; with 0 the adapter never changes' },
  // Measured on the shipped model (P 8, G 4): lr 1e-3 raises the reward; 1e-2 trains, then
  // collapses the reward within 60 steps; at 0.05 the first update alone drives the KL to 1e5.
  lr: { label: 'learning rate', min: 0, max: 0.01, minExclusive: true, why: 'at 0 nothing is learned; at 0.05 one update wrecks the model' },
  beta: { label: 'KL weight β', min: 0, max: 1, why: '0 turns the KL to the base model off' },
  clipEps: { label: 'clip ε', min: 0, max: 1, minExclusive: true, why: 'the PPO ratio clip range; at 0 every update is clipped away' },
  temperature: { label: 'temperature', min: 0, max: 10, minExclusive: true, why: 'at 0 sampling is greedy and a group\'s images are all alike' },
  topK: { label: 'top-k', min: 0, max: 1024, integer: true, why: '0 = off' },
  topP: { label: 'top-p', min: 0, max: 1, minExclusive: true, why: '1 = off; 0 keeps no code' },
  minP: { label: 'min-p', min: 0, max: 1, maxExclusive: true, why: '0 = off; 1 keeps only the most likely code' },
  cfgScale: { label: 'CFG scale', min: 0, max: 20, why: '1 or 0 = no guidance' },
  deadZone: { label: 'advantage dead zone', min: 0, max: 1, why: 'a group whose reward range is below it gets no advantage (advantage dead_zone)' },
  loraRank: { label: 'LoRA rank', min: 1, max: 256, integer: true, why: 'the inner width of the adapter' },
  loraAlpha: { label: 'LoRA alpha', min: 0, max: 1024, minExclusive: true, why: 'the update is scaled by alpha / rank' },
  seed: { label: 'seed', min: 0, max: 2 ** 32 - 1, integer: true, why: 'seeds are 32-bit' },
  logEvery: { label: 'log every', min: 1, max: Infinity, integer: true, why: 'steps between log rows; 0 would never log' },
  evalEvery: { label: 'validate every', min: 0, max: Infinity, integer: true, why: 'steps between validations; 0 = never' },
  evalGroupSize: { label: 'validation group size', min: 1, max: 64, integer: true, why: 'images per validation prompt' },
  checkpointEvery: { label: 'checkpoint every', min: 1, max: Infinity, integer: true, why: 'steps between checkpoints' },
};

export const NUMERIC_SETTINGS = Object.keys(TRAIN_SETTING_RULES) as NumericSetting[];

/** "an integer from 2 to 64", "a number above 0 and at most 0.01", "an integer of at least 1". */
export function allowedRange(r: SettingRule): string {
  const kind = r.integer ? 'an integer' : 'a number';
  if (r.max === Infinity) return `${kind} ${r.minExclusive ? 'above' : 'of at least'} ${r.min}`;
  if (r.minExclusive) return `${kind} above ${r.min} and at most ${r.max}`;
  if (r.maxExclusive) return `${kind} of at least ${r.min} and below ${r.max}`;
  return `${kind} from ${r.min} to ${r.max}`;
}

/**
 * A setting as typed or as configured: a number, or the text of a form field. Empty text is a
 * problem of its own (a blank field must not quietly become 0 or the default).
 */
export function readSetting(key: NumericSetting, raw: unknown): { value: number; problem: null } | { value: null; problem: string } {
  const r = TRAIN_SETTING_RULES[key];
  const refuse = (got: string) => ({ value: null, problem: `${r.label}: must be ${allowedRange(r)} (${r.why}); ${got}` });
  if (raw === undefined || raw === null || (typeof raw === 'string' && raw.trim() === '')) return refuse('the field is empty');
  const value = typeof raw === 'string' ? Number(raw.trim()) : typeof raw === 'number' ? raw : NaN;
  const shown = typeof raw === 'string' ? raw.trim() : typeof raw === 'number' ? String(raw) : JSON.stringify(raw);
  const ok = Number.isFinite(value)
    && (!r.integer || Number.isInteger(value))
    && (r.minExclusive ? value > r.min : value >= r.min)
    && (r.maxExclusive ? value < r.max : value <= r.max);
  return ok ? { value, problem: null } : refuse(`got ${shown}`);
}

/** Null when allowed, else "group size: must be an integer from 2 to 64 (GRPO compares images within a group); got 1". */
export const settingProblem = (key: NumericSetting, raw: unknown): string | null => readSetting(key, raw).problem;

/** The problem of each listed setting (all of them by default), keyed by setting; empty when all are allowed. */
export function settingProblems(
  values: Partial<Record<NumericSetting, unknown>>, keys: readonly NumericSetting[] = NUMERIC_SETTINGS,
): Partial<Record<NumericSetting, string>> {
  const out: Partial<Record<NumericSetting, string>> = {};
  for (const k of keys) {
    const p = settingProblem(k, values[k]);
    if (p) out[k] = p;
  }
  return out;
}
