// Reading a shared link: URL params -> the settings the page actually uses, and a notice for each
// value it could not use (which key, what was given, what was used instead, why). Pure, so the
// same rules are tested without a page; url.ts reads the address bar and applies `fixes` so the
// URL afterwards holds only values the page accepted.
import type { Teacher } from '../../../workers/engineApi.ts';
import { REWARD_VARIANTS, type RewardVariant } from '../../core/gvu/reward.ts';
import { DEFAULT_SETTINGS, type InspectSettings, NUMBER_RULES, NUMBER_SETTINGS, numberProblem, rulesForFamily } from './inspectRules.ts';
import { promptProblemOf } from './promptProblem.ts';

export const VIEWS = ['inspect', 'train', 'batch', 'model'] as const;
export type View = (typeof VIEWS)[number];

export const LINK_BACKENDS = ['auto', 'wasm', 'webgpu'] as const;
export type LinkBackend = (typeof LINK_BACKENDS)[number];

export const TEACHERS = ['frozen', 'policy'] as const satisfies readonly Teacher[];

/** How Inspect's rewards are computed; in the link so a receiver's rewards are the sender's. */
export interface RewardChoice {
  readonly variant: RewardVariant;
  readonly includeEos: boolean;
  readonly teacher: Teacher;
}

export const DEFAULT_REWARD: RewardChoice = { variant: 'geomean', includeEos: false, teacher: 'frozen' };

/** URL params of a reward choice (always all three, so a link says which reward it shows). */
export const rewardParams = (r: RewardChoice) => ({ reward: r.variant, eos: r.includeEos ? 1 : 0, teacher: r.teacher });

export interface LinkNotice {
  readonly key: string;
  readonly given: string; // as it stood in the URL
  readonly used: string; // what the page uses instead
  readonly reason: string;
}

/**
 * A link value that depends on the model the link names (`?model=`): the tiny model's range is the
 * wrong one to check it against (Janus' top-k reaches its 16,384 codes, its prompts are any text),
 * so it waits, unused and left in the URL, until that model is open (inspectSlice.applyPendingLink).
 */
export interface PendingLinkValue {
  readonly setting: 'prompt' | 'topK';
  readonly key: string;
  readonly given: string;
  readonly model: string; // as the link names it
  readonly used: string; // what the page uses until the model is open
}

export interface LinkReading {
  readonly view: View;
  readonly inspect: InspectSettings;
  readonly reward: RewardChoice;
  readonly backend: LinkBackend;
  readonly notices: readonly LinkNotice[];
  readonly pending: readonly PendingLinkValue[];
  /**
   * The link names a group: a seed on the Inspect view, every setting of it accepted. The page
   * samples that group again once the model is ready, so the receiver sees the sender's images.
   */
  readonly regenerate: boolean;
  /** URL keys to rewrite (null: remove) so the address bar holds only what is used. */
  readonly fixes: Readonly<Record<string, string | null>>;
}

// Number() reads "", " ", "0x10" and "Infinity" as numbers; a link value must be written as one.
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;
const parseNumber = (raw: string): number => (DECIMAL.test(raw) ? Number(raw) : NaN);

export function readLink(params: URLSearchParams): LinkReading {
  const notices: LinkNotice[] = [];
  const fixes: Record<string, string | null> = {};
  const reject = (key: string, given: string, used: string, reason: string, fix: string | null) => {
    notices.push({ key, given, used, reason });
    fixes[key] = fix;
  };

  const rawView = params.get('view');
  let view: View = 'inspect';
  if (rawView !== null) {
    if ((VIEWS as readonly string[]).includes(rawView)) view = rawView as View;
    else reject('view', rawView, view, `there is no view "${rawView}"; the views are ${VIEWS.join(', ')}`, null);
  }

  const rawBackend = params.get('backend');
  let backend: LinkBackend = 'auto';
  if (rawBackend !== null) {
    if ((LINK_BACKENDS as readonly string[]).includes(rawBackend)) backend = rawBackend as LinkBackend;
    else reject('backend', rawBackend, backend, 'backend must be wasm, webgpu or auto', null);
  }

  // A link that names a model checks its model-dependent values once that model is open.
  const linkModel = params.get('model');
  const pending: PendingLinkValue[] = [];

  let prompt = DEFAULT_SETTINGS.prompt;
  const rawPrompt = params.get('prompt');
  if (rawPrompt !== null) {
    const problem = promptProblemOf(rawPrompt);
    if (problem === null) prompt = rawPrompt;
    else if (linkModel !== null && rawPrompt.trim() !== '') pending.push({ setting: 'prompt', key: 'prompt', given: rawPrompt, model: linkModel, used: prompt });
    else reject('prompt', rawPrompt, prompt, problem, prompt);
  }

  const numbers = {} as Record<(typeof NUMBER_SETTINGS)[number], number>;
  for (const k of NUMBER_SETTINGS) {
    const rule = NUMBER_RULES[k];
    const raw = params.get(rule.key);
    numbers[k] = rule.fallback;
    if (raw === null) continue;
    const problem = numberProblem(k, parseNumber(raw));
    if (problem === null) numbers[k] = Number(raw);
    else if (k === 'topK' && linkModel !== null && numberProblem(k, parseNumber(raw), rulesForFamily(null)) === null) {
      pending.push({ setting: 'topK', key: rule.key, given: raw, model: linkModel, used: String(rule.fallback) });
    } else reject(rule.key, raw, String(rule.fallback), problem, String(rule.fallback));
  }

  /** A value of a fixed list, or the default with a notice. */
  const choice = <T extends string>(key: string, allowed: readonly T[], fallback: T, what: string): T => {
    const raw = params.get(key);
    if (raw === null) return fallback;
    if ((allowed as readonly string[]).includes(raw)) return raw as T;
    reject(key, raw, fallback, `${what} must be one of ${allowed.join(', ')}`, null);
    return fallback;
  };
  const reward: RewardChoice = {
    variant: choice('reward', REWARD_VARIANTS, DEFAULT_REWARD.variant, 'the reward variant'),
    includeEos: choice('eos', ['0', '1'], DEFAULT_REWARD.includeEos ? '1' : '0', 'eos (count the end token in the reward)') === '1',
    teacher: choice('teacher', TEACHERS, DEFAULT_REWARD.teacher, 'the teacher'),
  };

  const groupKeys = ['prompt', ...NUMBER_SETTINGS.map((k) => NUMBER_RULES[k].key), 'reward', 'eos', 'teacher'];
  const regenerate = view === 'inspect' && params.get(NUMBER_RULES.seed.key) !== null
    && !notices.some((n) => groupKeys.includes(n.key)) && pending.length === 0;
  return { view, backend, inspect: { prompt, ...numbers }, reward, notices, pending, regenerate, fixes };
}

/** Quote a value when it would not read as one word; cut a pasted essay short. */
function shown(value: string): string {
  const cut = value.length > 48 ? `${value.slice(0, 45)}…` : value;
  return cut === '' || /[\s"]/.test(cut) ? JSON.stringify(cut) : cut;
}

/** 'Link value ignored: g=100 (group size must be a whole number from 1 to 16), used 4'. */
export const formatNotice = (n: LinkNotice): string =>
  `Link value ignored: ${n.key}=${shown(n.given)} (${n.reason}), used ${shown(n.used)}`;

/** 'Link value waits for its model: topk=100 is checked once M is open (…), 0 until then'. */
export const formatPending = (p: PendingLinkValue): string =>
  `Link value waits for its model: ${p.key}=${shown(p.given)} is checked once ${p.model} is open (${
    p.setting === 'topK' ? `the tiny model's top-k stops at ${NUMBER_RULES.topK.max}` : 'the tiny model knows only ShapesWorld words'
  }), ${shown(p.used)} until then`;
