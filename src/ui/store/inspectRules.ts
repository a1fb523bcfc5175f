// The Inspect view's numeric settings: default, allowed range and URL key of each, in one table
// that the fields, the link reader and Generate all check against, so a value the form refuses
// is also refused in a link and never reaches the engine. The ranges are the sampler's own
// (checkSampling, checkFilter), narrowed where a larger value only wastes time (G, CFG).
import { TINY_UMM } from '../../core/model/config.ts';

export interface InspectSettings {
  readonly prompt: string;
  readonly groupSize: number;
  readonly seed: number;
  readonly temperature: number;
  readonly topK: number;
  readonly topP: number;
  readonly minP: number;
  readonly cfgScale: number;
}

export type NumberSetting = Exclude<keyof InspectSettings, 'prompt'>;

export interface NumberRule {
  readonly key: string; // URL key
  readonly label: string; // how a message names it
  readonly fallback: number;
  readonly min: number;
  readonly max: number;
  readonly integer?: boolean;
  readonly minExclusive?: boolean; // top-p: 0 keeps no token at all
  readonly maxExclusive?: boolean; // min-p: 1 would keep only ties with the best token
  readonly note?: string; // what the edge values mean, appended to the range
}

export const DEFAULT_PROMPT = 'a photo of a red circle';

export const NUMBER_RULES: Readonly<Record<NumberSetting, NumberRule>> = {
  groupSize: { key: 'g', label: 'group size', fallback: 4, min: 1, max: 16, integer: true },
  seed: { key: 'seed', label: 'seed', fallback: 1, min: 0, max: 2 ** 32 - 1, integer: true },
  temperature: { key: 't', label: 'temperature', fallback: 1, min: 0, max: 10, note: '0 = greedy' },
  // Beyond the image vocabulary top-k keeps every code, i.e. it is off.
  topK: { key: 'topk', label: 'top-k', fallback: 0, min: 0, max: TINY_UMM.imageVocab, integer: true, note: '0 = off' },
  topP: { key: 'topp', label: 'top-p', fallback: 1, min: 0, max: 1, minExclusive: true, note: '1 = off' },
  minP: { key: 'minp', label: 'min-p', fallback: 0.03, min: 0, max: 1, maxExclusive: true, note: '0 = off' },
  cfgScale: { key: 'cfg', label: 'CFG scale', fallback: 1, min: 0, max: 20, note: '1 = no guidance' },
};

export const NUMBER_SETTINGS = Object.keys(NUMBER_RULES) as NumberSetting[];

export const DEFAULT_SETTINGS: InspectSettings = {
  prompt: DEFAULT_PROMPT,
  ...(Object.fromEntries(NUMBER_SETTINGS.map((k) => [k, NUMBER_RULES[k].fallback])) as Record<NumberSetting, number>),
};

/** "a whole number from 1 to 16", "a number above 0 and at most 1 (1 = off)". */
export function allowedRange(rule: NumberRule): string {
  const kind = rule.integer ? 'a whole number' : 'a number';
  const low = rule.minExclusive ? `above ${rule.min}` : rule.maxExclusive ? `at least ${rule.min}` : `from ${rule.min}`;
  const high = rule.maxExclusive ? `and below ${rule.max}` : rule.minExclusive ? `and at most ${rule.max}` : `to ${rule.max}`;
  return `${kind} ${low} ${high}${rule.note ? ` (${rule.note})` : ''}`;
}

/**
 * The rules for an opened family: top-k reaches its image vocabulary (Janus-Pro: 16,384 codes; no
 * bound when the folder does not say). The tiny model's are NUMBER_RULES.
 */
export function rulesForFamily(imageVocab: number | null): Readonly<Record<NumberSetting, NumberRule>> {
  return { ...NUMBER_RULES, topK: { ...NUMBER_RULES.topK, max: imageVocab ?? Number.MAX_SAFE_INTEGER } };
}

/** Null when the value is allowed, else a sentence naming the setting and its range. */
export function numberProblem(setting: NumberSetting, value: number, rules: Readonly<Record<NumberSetting, NumberRule>> = NUMBER_RULES): string | null {
  const r = rules[setting];
  const ok = Number.isFinite(value)
    && (!r.integer || Number.isInteger(value))
    && (r.minExclusive ? value > r.min : value >= r.min)
    && (r.maxExclusive ? value < r.max : value <= r.max);
  return ok ? null : `${r.label} must be ${allowedRange(r)}`;
}

/** Every numeric setting's problem, keyed by setting; empty when all are allowed. */
export function numberProblems(s: InspectSettings, rules: Readonly<Record<NumberSetting, NumberRule>> = NUMBER_RULES): Partial<Record<NumberSetting, string>> {
  const out: Partial<Record<NumberSetting, string>> = {};
  for (const k of NUMBER_SETTINGS) {
    const p = numberProblem(k, s[k], rules);
    if (p) out[k] = p;
  }
  return out;
}
