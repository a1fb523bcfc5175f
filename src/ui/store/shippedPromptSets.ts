// The prompt sets the playground serves from public/data/prompts, fetched as text.
export type ShippedPromptSet = 'train' | 'val' | 'test' | 'pool' | 'demo';

export async function fetchShippedPromptSet(name: ShippedPromptSet): Promise<string> {
  const res = await fetch(`data/prompts/${name}.jsonl`); // relative: the site may live under any path
  if (!res.ok) throw new Error(`HTTP ${res.status} for ${name}.jsonl`);
  return res.text();
}
