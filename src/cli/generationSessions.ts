// The two sampling sessions (prefill, decode) on onnxruntime-node, for the base model or, with
// `lora`, for an adapter of that shape: what every CLI command that samples images opens.
import { type GenerationSessions, generationStepModels } from '../core/gvu/sampling.ts';
import type { ModelConfig } from '../core/model/config.ts';
import type { LoraConfig } from '../core/model/lora.ts';
import { createNodeSession } from '../core/runtime/node.ts';

export async function createGenerationSessions(cfg: ModelConfig, lora?: LoraConfig): Promise<GenerationSessions> {
  const steps = generationStepModels(cfg, lora);
  return { prefill: await createNodeSession(steps.prefill), decode: await createNodeSession(steps.decode) };
}
