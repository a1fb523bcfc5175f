// The fixture's tokenizer: a real byte-level BPE in HF `tokenizers` JSON (as DeepSeek's, which Janus
// uses: a newline split, then GPT-2 byte-level pre-tokenisation, a BOS template), trained here on a
// few sentences so the merges are deterministic, plus the Janus special tokens after it. Token ids:
// 0..255 the bytes, 256..359 merges, 360..367 the special tokens.
import { JANUS_TINY, type JanusTiny } from './sizes.ts';

export const SPECIAL_TOKENS = {
  bos: '<｜begin▁of▁sentence｜>',
  eos: '<｜end▁of▁sentence｜>',
  pad: '<｜▁pad▁｜>',
  imagePlaceholder: '<image_placeholder>',
  imageStart: '<begin_of_image>',
  imageEnd: '<end_of_image>',
  user: '<|User|>',
  assistant: '<|Assistant|>',
} as const;

/** Upstream Janus' default system prompt for understanding (deepseek-ai/Janus processing_vlm.py). */
export const JANUS_SYSTEM_PROMPT =
  'You are a helpful language and vision assistant. You are able to understand the visual content that the user provides, and assist the user with a variety of tasks using natural language.';

// What the merges are learned from: the system prompt and prompts like the playground's.
const CORPUS = [
  JANUS_SYSTEM_PROMPT,
  'a photo of a red cube on the left of a blue sphere',
  'a green triangle above a yellow circle, two small squares and three large stars',
  'Describe the image in detail. What is in the picture? The answer is a cat and a dog.',
  'an image of the number 42 next to a purple car under a tree',
];

/** GPT-2's byte -> printable character table (bytes that print stand for themselves). */
export function bytesToUnicode(): string[] {
  const keep = (b: number) => (b >= 33 && b <= 126) || (b >= 161 && b <= 172) || (b >= 174 && b <= 255);
  const out: string[] = [];
  let extra = 0;
  for (let b = 0; b < 256; b++) out.push(String.fromCodePoint(keep(b) ? b : 256 + extra++));
  return out;
}

/** Learn merges until the vocabulary has `size` entries (most frequent pair; ties by the pair's text). */
function trainMerges(size: number): { vocab: string[]; merges: [string, string][] } {
  const table = bytesToUnicode();
  const vocab = [...table];
  const counts = new Map<string, number>();
  for (const line of CORPUS) {
    for (const word of line.match(/ ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+/gu) ?? []) {
      const key = Array.from(new TextEncoder().encode(word), (b) => table[b]).join('\u0000');
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
  }
  let words = [...counts].map(([k, n]) => ({ parts: k.split('\u0000'), n }));
  const merges: [string, string][] = [];
  const known = new Set(vocab);
  while (vocab.length < size) {
    const pairs = new Map<string, number>();
    for (const w of words) for (let i = 0; i + 1 < w.parts.length; i++) {
      const key = `${w.parts[i]} ${w.parts[i + 1]}`;
      pairs.set(key, (pairs.get(key) ?? 0) + w.n);
    }
    if (pairs.size === 0) throw new Error(`tokenizer corpus too small: ${vocab.length} of ${size} tokens`);
    const [best] = [...pairs].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0];
    const [a, b] = best.split(' ');
    merges.push([a, b]);
    if (!known.has(a + b)) {
      known.add(a + b);
      vocab.push(a + b);
    }
    words = words.map((w) => {
      const parts: string[] = [];
      for (let i = 0; i < w.parts.length; i++) {
        if (i + 1 < w.parts.length && w.parts[i] === a && w.parts[i + 1] === b) {
          parts.push(a + b);
          i++;
        } else parts.push(w.parts[i]);
      }
      return { parts, n: w.n };
    });
  }
  return { vocab, merges };
}

/** Special-token ids: right after the BPE vocabulary, in SPECIAL_TOKENS order. */
export function specialTokenIds(s: JanusTiny = JANUS_TINY): Record<keyof typeof SPECIAL_TOKENS, number> {
  const first = s.vocab - Object.keys(SPECIAL_TOKENS).length;
  return Object.fromEntries(Object.keys(SPECIAL_TOKENS).map((k, i) => [k, first + i])) as Record<keyof typeof SPECIAL_TOKENS, number>;
}

export function tokenizerJson(s: JanusTiny = JANUS_TINY): object {
  const ids = specialTokenIds(s);
  const { vocab, merges } = trainMerges(ids.bos);
  const added = (Object.keys(SPECIAL_TOKENS) as (keyof typeof SPECIAL_TOKENS)[]).map((k) => ({
    id: ids[k], content: SPECIAL_TOKENS[k], single_word: false, lstrip: false, rstrip: false, normalized: false, special: true,
  }));
  const bos = SPECIAL_TOKENS.bos;
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: added,
    normalizer: null,
    pre_tokenizer: {
      type: 'Sequence',
      pretokenizers: [
        { type: 'Split', pattern: { Regex: '[\r\n]' }, behavior: 'Isolated', invert: false },
        { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: true },
      ],
    },
    // Upstream `tokenizer.encode(text)` prepends BOS; transformers.js encodes with add_special_tokens false.
    post_processor: {
      type: 'TemplateProcessing',
      single: [{ SpecialToken: { id: bos, type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }],
      pair: [{ SpecialToken: { id: bos, type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }, { SpecialToken: { id: bos, type_id: 1 } }, { Sequence: { id: 'B', type_id: 1 } }],
      special_tokens: { [bos]: { id: bos, ids: [ids.bos], tokens: [bos] } },
    },
    decoder: { type: 'ByteLevel', add_prefix_space: true, trim_offsets: true, use_regex: true },
    model: {
      type: 'BPE', dropout: null, unk_token: null, continuing_subword_prefix: null, end_of_word_suffix: null,
      fuse_unk: false, byte_fallback: false, ignore_merges: false,
      vocab: Object.fromEntries(vocab.map((t, i) => [t, i])),
      merges,
    },
  };
}
