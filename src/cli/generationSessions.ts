// The sampling sessions (prefill, decode, and the whole group in one call) on onnxruntime-node, for the base model or, with
// `lora`, for an adapter of that shape: what every CLI command that samples images opens. The base
// weights are frozen into the models (they never change under an adapter); callers still pass the
// same tensors in their policy, which the sessions drop (SessionOptions.frozen).
import { type GenerationSessions, generationSessionOptions, generationStepModels, groupSamplingModel, groupSamplingOptions } from '../core/gvu/sampling.ts';
import type { ModelConfig } from '../core/model/config.ts';
import type { LoraConfig } from '../core/model/lora.ts';
import type { Weights } from '../core/model/weights.ts';
import { createNodeSession } from '../core/runtime/node.ts';

export async function createGenerationSessions(cfg: ModelConfig, base: Weights, lora?: LoraConfig): Promise<GenerationSessions> {
  const steps = generationStepModels(cfg, lora, base);
  const options = generationSessionOptions(cfg, base);
  return {
    prefill: await createNodeSession(steps.prefill, options),
    decode: await createNodeSession(steps.decode, options),
    group: await createNodeSession(groupSamplingModel(cfg, lora, base), groupSamplingOptions(base)),
  };
}
