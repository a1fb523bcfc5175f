// The headline GvU adapter the site ships (public/adapters/gvu-headline): one click fetches it,
// loads it through the same checks and backend switch as an upload, and draws base vs adapter on
// the held-out test prompts (one per category) with the judge's verdicts.
import type { Spec } from '../../../workers/engineApi.ts';
import { parsePromptSet } from '../../core/io/promptSet.ts';
import { ADAPTER_CONFIG_FILE, ADAPTER_WEIGHTS_FILE } from '../../core/model/adapter.ts';
import { fetchShippedPromptSet } from './shippedPromptSets.ts';
import type { Slice } from './types.ts';

export const SHIPPED_ADAPTER_DIR = 'adapters/gvu-headline/'; // relative: the site may live under any path
/** Seeds of the comparison: every test prompt gets the same four images on both sides. */
export const SHIPPED_COMPARE_SEEDS = [21, 22, 23, 24] as const;

/** card.json: what the adapter is, the command that made it and its measured test ShapesEval. */
export interface ShippedAdapterCard {
  readonly name: string;
  readonly what: string;
  readonly command: string;
  readonly eval: string;
  readonly test_shapeseval: { readonly base: number; readonly adapter: number };
  readonly caveat: string;
}

export type ShippedStatus = 'idle' | 'loading' | 'comparing' | 'done' | 'error';

export interface ShippedAdapterSlice {
  readonly shippedCard: ShippedAdapterCard | null;
  readonly shippedStatus: ShippedStatus;
  readonly shippedError: string | null;
  /** The test prompts the comparison drew (one per category), in grid order. */
  readonly shippedPrompts: readonly string[];
  loadShippedAdapter(): Promise<void>;
}

async function fetchOk(file: string): Promise<Response> {
  const res = await fetch(SHIPPED_ADAPTER_DIR + file);
  if (!res.ok) throw new Error(`HTTP ${res.status} for ${SHIPPED_ADAPTER_DIR}${file}`);
  return res;
}

/** The first test prompt of each category, in the file's order. */
export function onePerCategory(specs: readonly Spec[]): string[] {
  const seen = new Set<string>();
  return specs.filter((s) => !seen.has(s.tag) && seen.add(s.tag)).map((s) => s.prompt);
}

export const createShippedAdapterSlice: Slice<ShippedAdapterSlice> = (set, get) => ({
  shippedCard: null,
  shippedStatus: 'idle',
  shippedError: null,
  shippedPrompts: [],

  async loadShippedAdapter() {
    if (get().busy) return;
    set({ shippedStatus: 'loading', shippedError: null });
    try {
      const [card, config, weights, testSet] = await Promise.all([
        fetchOk('card.json').then((r) => r.json() as Promise<ShippedAdapterCard>),
        fetchOk(ADAPTER_CONFIG_FILE).then((r) => r.text()),
        fetchOk(ADAPTER_WEIGHTS_FILE).then(async (r) => new Uint8Array(await r.arrayBuffer())),
        fetchShippedPromptSet('test'),
      ]);
      set({ shippedCard: card });
      await get().applyAdapter({ [ADAPTER_CONFIG_FILE]: config, [ADAPTER_WEIGHTS_FILE]: weights }, { source: 'shipped', label: card.name }, null);
      const specs = parsePromptSet(testSet, 'test.jsonl').rows.flatMap((r) => (r.spec ? [r.spec] : []));
      const prompts = onePerCategory(specs);
      set({ shippedStatus: 'comparing', shippedPrompts: prompts, grid: null });
      await get().refreshGrid({ prompts, seeds: SHIPPED_COMPARE_SEEDS });
      // refreshGrid reports its own failure in the Train view's error line and leaves no grid.
      set({ shippedStatus: get().grid ? 'done' : 'error' });
    } catch (err) {
      set({ shippedStatus: 'error', shippedError: `the shipped adapter did not load: ${get().engineError(err)}` });
    }
  },
});
