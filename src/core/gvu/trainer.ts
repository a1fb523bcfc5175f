// The GvU trainer (Pan et al. 2026): GRPO on a LoRA adapter where the only reward is the model's own
// understanding of its images. One step = one rollout (G images for each of P prompts), the
// intrinsic reward of every image, group-normalised advantages, then K Adam updates of the adapter
// on the clipped-ratio objective with a k3 KL to the adapter-off model.
// The judge never enters the reward (except in the judge-as-reward control); it is logged beside
// it, with the within-group agreement of reward and judge, to catch reward hacking as it happens.
// Runtime-agnostic: sessions come from the caller's factory; batches are a pure function of
// (seed, step), so a resumed run continues exactly.
import { AbortError, type CancelSignal, InputError } from '../errors.ts';
import { judge } from '../eval/judge.ts';
import { sampleAndJudge, scoreSamples } from '../eval/generationScore.ts';
import { withinGroupAuc } from '../eval/rewardAgreement.ts';
import { type Graph, freezeInputs, serializeModel } from '../graph/index.ts';
import type { ModelConfig } from '../model/config.ts';
import { LORA_TARGETS, type LoraConfig, validateLora } from '../model/lora.ts';
import { type GenerationBatch, packGeneration } from '../model/sequences.ts';
import { buildGenerationLogitsGraph, buildUnderstandingScoreGraph } from '../model/umm.ts';
import { type Weights, initLora } from '../model/weights.ts';
import { type AdamConfig, type AdamState, adamStep, initAdamState } from '../optim/adam.ts';
import type { ModelSession, SessionOptions } from '../runtime/session.ts';
import { mulberry32, tensor } from '../tensor.ts';
import { type Spec, UNCOND_PROMPT, groupByTag, promptIds, renderTokens, shuffled } from '../world/index.ts';
import { buildGrpoGradientModel, loraParamNames } from './grpoGraph.ts';
import { ADVANTAGE_MODES, type AdvantageMode, advantagesBy } from './advantages.ts';
import { REWARD_VARIANTS, type RewardVariant } from './reward.ts';
import { logProbAt } from './sampleToken.ts';
import {
  type GenerationSessions, type SampledImage, generationSessionOptions, generationStepModels, groupSamplingModel, groupSamplingOptions, sampleImages,
} from './sampling.ts';
import { scoreImages } from './scoreImages.ts';
import { settingProblems } from './trainSettings.ts';

export interface GvuConfig {
  steps: number; // rollouts (each followed by innerUpdates optimiser steps)
  promptsPerStep: number; // P prompts per rollout
  groupSize: number; // G images per prompt (the paper's script: 2)
  innerUpdates: number; // Adam steps per rollout; > 1 makes the ratio and clipping matter
  lr: number; // Adam learning rate on the adapter
  beta: number; // KL coefficient (paper: 0.03)
  clipEps: number; // PPO ratio clip range
  temperature: number; // sampling (paper: 1.0)
  topK: number; // 0 = off
  topP: number; // 1 = off
  minP: number; // paper: 0.03
  cfgScale: number; // 1 = no guidance (the paper uses none)
  reward: 'intrinsic' | 'judge'; // 'judge' is the control: the external judge as the reward
  rewardVariant: RewardVariant | 'sequence'; // 'sequence' = prod p_j, an image-level likelihood
  includeEos: boolean; // score the end-of-sequence token too
  teacher: 'frozen' | 'policy'; // frozen base (default) or the co-evolving policy (paper's code)
  advantage: AdvantageMode; // how a group's rewards become advantages (advantages.ts)
  deadZone: number; // advantage dead_zone: a group whose reward range is below this gets none
  // Where the adapter acts in the model that is shipped and measured: 'shared' on every sequence
  // (understanding too), 'generation' only on generation sequences (prompt + image tokens), so the
  // understanding branch keeps the base weights. Training is the same (only generation sequences
  // are trained); the difference is the policy-as-teacher's scorer and the understanding after.
  adapterScope: 'shared' | 'generation';
  promptSampling: 'by_tag' | 'uniform'; // by_tag: a category first, then a prompt (balanced); uniform: any prompt
  loraRank: number;
  loraAlpha: number;
  loraTargets: string; // comma-separated LoRA targets (PEFT target_modules), or 'all'
  seed: number;
  logEvery: number;
  evalEvery: number; // steps between validation evaluations (0 = never)
  evalGroupSize: number; // images per validation prompt
  checkpointEvery: number;
}

export const GVU_DEFAULTS: GvuConfig = {
  steps: 150, promptsPerStep: 16, groupSize: 8, innerUpdates: 2, lr: 1e-3, beta: 0.03, clipEps: 0.2,
  temperature: 1, topK: 0, topP: 1, minP: 0.03, cfgScale: 1,
  reward: 'intrinsic', rewardVariant: 'geomean', includeEos: false, teacher: 'frozen', promptSampling: 'uniform',
  advantage: 'std', deadZone: 0, adapterScope: 'shared',
  loraRank: 8, loraAlpha: 32, loraTargets: 'all', seed: 0, logEvery: 1, evalEvery: 25, evalGroupSize: 4, checkpointEvery: 25,
};

export interface GvuState {
  step: number;
  lora: Weights;
  adam: AdamState;
}

export interface GvuLogRow {
  step: number;
  rewardMean: number;
  rewardStd: number;
  judgePass: number; // GenEval-rule pass rate of this step's rollouts
  judgeStrict: number; // strict (no unrequested objects)
  rolloutAuc: number; // within-group agreement of reward and judge on these rollouts (NaN: no mixed group)
  loss: number;
  kl: number;
  clipFrac: number;
  ratioMean: number;
  gradNorm: number;
  skipped: number; // updates refused by the non-finite guard so far
  skipReason?: string; // why this step's last refused update was refused (absent: none refused)
  seconds: number; // wall time of this step
}

export interface GvuHooks {
  /** Pass `options` on: the sampling, scoring and reference models hold the base weights frozen. */
  createSession(model: Uint8Array, options?: SessionOptions): Promise<ModelSession>;
  log(row: GvuLogRow): void;
  /** Called every evalEvery steps (and before the first) with the run's own generation sessions. */
  evaluate?(state: GvuState, generation: GenerationSessions): Promise<unknown>;
  checkpoint(state: GvuState): Promise<void>;
  /** Checked between steps: the run stops there, its state whole. */
  stopRequested?(): boolean;
  /**
   * Checked inside a step (sampling, after it, after scoring, before each update) and in
   * validation: the step in flight is dropped and the run returns at once. Nothing is written to
   * the state before the updates, and updates already applied in a dropped step are undone, so the
   * state is always that of a whole number of steps.
   */
  signal?: CancelSignal;
  /** Sample each group in one call (samplingGraph.ts); false where the runtime lacks ONNX Loop and float64 kernels (WebGPU). Default true. */
  groupSampling?: boolean;
}

/** The choice-valued fields and what each may be: a typo on the command line is an error, not a default. */
const GVU_CHOICES: { readonly [K in keyof GvuConfig]?: readonly GvuConfig[K][] } = {
  reward: ['intrinsic', 'judge'],
  rewardVariant: [...REWARD_VARIANTS, 'sequence'],
  teacher: ['frozen', 'policy'],
  promptSampling: ['by_tag', 'uniform'],
  advantage: [...ADVANTAGE_MODES],
  adapterScope: ['shared', 'generation'],
};

/**
 * Refuse a config that cannot train, before any session is built or step taken: every numeric
 * setting against its range (trainSettings.ts, the table the Train view checks as the user types)
 * and every choice. Each problem names the setting, its config key and what is allowed.
 */
export function checkGvuConfig(run: GvuConfig): void {
  const problems: string[] = [];
  for (const [key, allowed] of Object.entries(GVU_CHOICES) as [keyof GvuConfig, readonly unknown[]][]) {
    if (!allowed.includes(run[key])) problems.push(`${key} must be one of ${allowed.join(', ')}; got ${JSON.stringify(run[key])}`);
  }
  for (const [key, problem] of Object.entries(settingProblems(run))) {
    problems.push(problem.replace(/^([^:]+):/, `$1 (${key}):`));
  }
  if (run.teacher === 'policy' && run.adapterScope === 'generation') {
    problems.push('teacher policy with adapterScope generation: the policy\'s understanding is then the base\'s; use teacher frozen');
  }
  if (problems.length === 1) throw new InputError(`GvU config: ${problems[0]}`);
  if (problems.length) throw new InputError(`GvU config has ${problems.length} problems:\n${problems.map((p) => `- ${p}`).join('\n')}`);
}

export const loraOf = (run: GvuConfig): LoraConfig => validateLora({
  rank: run.loraRank,
  alpha: run.loraAlpha,
  targets: run.loraTargets === 'all' ? LORA_TARGETS : run.loraTargets.split(',').map((t) => t.trim()),
});

export function freshGvuState(cfg: ModelConfig, run: GvuConfig): GvuState {
  const lora = initLora(cfg, loraOf(run), run.seed);
  return { step: 0, lora, adam: initAdamState(lora) };
}

/**
 * Every session one GvU run needs; built once, fed the adapter at each call. With `base` the
 * inference models hold the base weights frozen (callers still pass them; the sessions drop them).
 */
export async function createGvuSessions(
  cfg: ModelConfig, run: GvuConfig, create: (m: Uint8Array, options?: SessionOptions) => Promise<ModelSession>, base?: Weights, groupSampling = true,
) {
  const lora = loraOf(run);
  const steps = generationStepModels(cfg, lora, base);
  const frozen = base ? { frozen: base } : {};
  const inference = (g: Graph) => create(serializeModel(base ? freezeInputs(g, base) : g), frozen);
  return {
    lora,
    prefill: await create(steps.prefill, generationSessionOptions(cfg, base)),
    decode: await create(steps.decode, generationSessionOptions(cfg, base)),
    group: groupSampling ? await create(groupSamplingModel(cfg, lora, base), groupSamplingOptions(base)) : undefined,
    scorer: await inference(buildUnderstandingScoreGraph(cfg, run.teacher === 'policy' ? { lora } : {})),
    reference: await inference(buildGenerationLogitsGraph(cfg)),
    grpo: await create(buildGrpoGradientModel(cfg, lora, { frozen: base }), frozen),
  };
}
export type GvuSessions = Awaited<ReturnType<typeof createGvuSessions>>;

export interface Rollout {
  specs: Spec[];
  samples: SampledImage[];
  images: Uint8Array[];
  rewards: Float64Array;
  pass: boolean[];
  strict: boolean[];
}

/** Sample G images for each of P train prompts, decode, judge and reward them. */
export async function rollout(
  cfg: ModelConfig, base: Weights, run: GvuConfig, s: GvuSessions, state: GvuState, train: readonly Spec[], signal?: CancelSignal,
): Promise<Rollout> {
  const rng = mulberry32((run.seed * 0x9e3779b1) ^ (state.step * 0x85ebca77));
  const specs = pickPrompts(rng, train, run.promptsPerStep, run.promptSampling);
  const g = run.groupSize;
  const seeds = specs.flatMap((_, p) => Array.from({ length: g }, (_, m) => (run.seed * 7_919 + state.step * 4_099 + p * g + m) >>> 0));
  const policy = { ...base, ...state.lora };
  const samples = await sampleImages(cfg, policy, { prefill: s.prefill, decode: s.decode, group: s.group }, specs.map((x) => promptIds(x.prompt)), {
    ...run, groupSize: g, seeds, uncondPrompt: UNCOND_PROMPT, signal,
  });
  stopIfAsked(signal, 'after sampling');
  const images = samples.map((x) => renderTokens(x.codes));
  const verdicts = samples.map((x, i) => judge(images[i], specs[x.prompt]));
  const pass = verdicts.map((v) => v.pass);
  const strict = verdicts.map((v) => v.strictPass);
  let rewards: Float64Array;
  if (run.reward === 'judge') rewards = Float64Array.from(verdicts, (v) => (v.strictPass ? 1 : v.pass ? 0.5 : 0));
  else {
    const teacher = run.teacher === 'policy' ? policy : base;
    const items = samples.map((x, i) => ({ image: images[i], prompt: specs[x.prompt].prompt }));
    const variant = run.rewardVariant === 'sequence' ? 'geomean' : run.rewardVariant;
    const scored = await scoreImages(cfg, teacher, s.scorer, items, { variant, includeEos: run.includeEos });
    rewards = Float64Array.from(scored, (r) =>
      run.rewardVariant === 'sequence' ? Math.exp(r.tokens.filter((t) => t.counted).reduce((a, t) => a + t.logp, 0)) : r.reward,
    );
    stopIfAsked(signal, 'after scoring');
  }
  return { specs, samples, images, rewards, pass, strict };
}

/**
 * A pause or cancel between a step's phases (sampling is one call when a group samples in one
 * go): the step in flight is dropped, the state keeps the last whole step.
 */
function stopIfAsked(signal: CancelSignal | undefined, where: string): void {
  if (signal?.aborted) throw new AbortError(`GvU step stopped ${where}`);
}

/** The adapter and Adam moments as they are now, to put back if a step is dropped between its updates. */
function snapshot(state: GvuState): () => void {
  const copy = (r: Record<string, Float32Array>) => Object.fromEntries(Object.entries(r).map(([k, a]) => [k, a.slice()]));
  const lora = Object.fromEntries(Object.entries(state.lora).map(([k, t]) => [k, (t.data as Float32Array).slice()]));
  const [m, v, step] = [copy(state.adam.m), copy(state.adam.v), state.adam.step];
  return () => {
    for (const [k, a] of Object.entries(lora)) (state.lora[k].data as Float32Array).set(a);
    for (const [k, a] of Object.entries(m)) state.adam.m[k].set(a);
    for (const [k, a] of Object.entries(v)) state.adam.v[k].set(a);
    state.adam.step = step;
  };
}

/** ShapesEval of the policy (base + adapter) on validation prompts, fixed seeds (seed set 1000). */
export async function validationScore(
  cfg: ModelConfig, base: Weights, run: GvuConfig, state: GvuState, generation: GenerationSessions, val: readonly Spec[], signal?: CancelSignal,
): Promise<{ overall: number; strictOverall: number }> {
  const samples = await sampleAndJudge(cfg, { ...base, ...state.lora }, generation, val, { ...run, groupSize: run.evalGroupSize }, 1000, { signal });
  return scoreSamples(samples);
}

/**
 * The step's prompts. by_tag draws a category, then a prompt in it, so a set dominated by one
 * category (ShapesWorld's train set is 61% color_pos) does not decide what the policy learns.
 */
export function pickPrompts(rng: () => number, train: readonly Spec[], n: number, how: GvuConfig['promptSampling']): Spec[] {
  if (how === 'uniform') return shuffled(rng, [...train]).slice(0, n);
  const groups = [...groupByTag(train).values()];
  return Array.from({ length: n }, () => {
    const group = groups[Math.floor(rng() * groups.length)];
    return group[Math.floor(rng() * group.length)];
  });
}

/** log p of each sampled code under the base model (adapter off): the KL reference. [B*N] */
async function referenceLogp(cfg: ModelConfig, base: Weights, s: GvuSessions, ro: Rollout, seq: GenerationBatch): Promise<Float32Array> {
  const logits = (await s.reference.run({ ids: seq.ids, positions: seq.positions, mask: seq.mask, ...base })).image_logits.data as Float32Array;
  const [n, vi] = [cfg.imageTokens, cfg.imageVocab];
  const out = new Float32Array(ro.samples.length * n);
  ro.samples.forEach((x, b) => {
    for (let t = 0; t < n; t++) out[b * n + t] = logProbAt(logits.subarray((b * n + t) * vi, (b * n + t + 1) * vi), x.codes[t]);
  });
  return out;
}

export async function trainGvu(
  cfg: ModelConfig, base: Weights, run: GvuConfig, state: GvuState, train: readonly Spec[], hooks: GvuHooks,
): Promise<GvuState> {
  checkGvuConfig(run);
  const s = await createGvuSessions(cfg, run, hooks.createSession, base, hooks.groupSampling ?? true);
  const names = loraParamNames(cfg, s.lora);
  const adam: AdamConfig = { lr: run.lr, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, clipNorm: 1 };
  let skipped = 0;
  try {
    // A baseline evaluation before the first update, so curves start at the base model.
    if (state.step === 0 && hooks.evaluate && run.evalEvery > 0) await hooks.evaluate(state, s);
    while (state.step < run.steps && !hooks.stopRequested?.()) {
      const t0 = performance.now();
      const ro = await rollout(cfg, base, run, s, state, train, hooks.signal);
      const n = cfg.imageTokens;
      const b = ro.samples.length;
      const adv = advantagesBy(run.advantage, ro.rewards, run.groupSize, run.deadZone);
      const seq = packGeneration(cfg, ro.samples.map((x) => promptIds(ro.specs[x.prompt].prompt)), ro.samples.map((x) => Array.from(x.codes)));
      const oldLogp = new Float32Array(b * n);
      ro.samples.forEach((x, i) => oldLogp.set(x.modelLogp, i * n));
      const feeds = {
        ids: seq.ids, positions: seq.positions, mask: seq.mask,
        old_logp: tensor('float32', [b, n], oldLogp),
        ref_logp: tensor('float32', [b, n], await referenceLogp(cfg, base, s, ro, seq)),
        advantages: tensor('float32', [b], Float32Array.from(adv)),
        token_weights: tensor('float32', [b, n], new Float32Array(b * n).fill(1)),
        clip_eps: tensor('float32', [], [run.clipEps]),
        beta: tensor('float32', [], [run.beta]),
        ...base,
      };
      let stats = { loss: NaN, kl: NaN, clipFrac: NaN, ratioMean: NaN, gradNorm: NaN };
      let skipReason: string | undefined;
      const restore = hooks.signal ? snapshot(state) : () => {}; // only a signal can drop a step between its updates
      for (let k = 0; k < run.innerUpdates; k++) {
        if (hooks.signal?.aborted) restore(); // undo this step's earlier updates, then stop
        stopIfAsked(hooks.signal, `before update ${k + 1} of ${run.innerUpdates}`);
        const out = await s.grpo.run({ ...feeds, ...state.lora });
        const grads = Object.fromEntries(names.map((name) => [name, out[`grad.${name}`].data as Float32Array]));
        // A non-finite loss is refused even when its gradients look finite: they cannot be trusted.
        const loss = out.loss.data[0] as number;
        const rep = Number.isFinite(loss)
          ? adamStep(state.lora, grads, state.adam, adam)
          : { applied: false, gradNorm: NaN, reason: `non-finite loss (${loss})` };
        if (!rep.applied) {
          skipped++;
          skipReason = `update ${k + 1} of step ${state.step + 1}: ${rep.reason}`;
        }
        // Stats of the last update: at the first, pi = pi_old, so the ratio is 1 and nothing clips.
        if (k === run.innerUpdates - 1) {
          const v = (name: string) => out[name].data[0] as number;
          stats = { loss: v('loss'), kl: v('kl'), clipFrac: v('clip_frac'), ratioMean: v('ratio_mean'), gradNorm: rep.gradNorm };
        }
      }
      state.step++;
      const mean = ro.rewards.reduce((a, x) => a + x, 0) / b;
      const groups = ro.specs.map((_, p) => ro.samples.flatMap((x, i) => (x.prompt === p ? [{ reward: ro.rewards[i], pass: ro.pass[i] }] : [])));
      if (state.step % run.logEvery === 0) {
        hooks.log({
          step: state.step,
          rewardMean: mean,
          rewardStd: Math.sqrt(ro.rewards.reduce((a, x) => a + (x - mean) ** 2, 0) / b),
          judgePass: ro.pass.filter(Boolean).length / b,
          judgeStrict: ro.strict.filter(Boolean).length / b,
          rolloutAuc: withinGroupAuc(groups).auc,
          ...stats,
          skipped,
          ...(skipReason ? { skipReason } : {}),
          seconds: (performance.now() - t0) / 1000,
        });
      }
      if (hooks.evaluate && run.evalEvery > 0 && state.step % run.evalEvery === 0) await hooks.evaluate(state, s);
      if (state.step % run.checkpointEvery === 0) await hooks.checkpoint(state);
    }
    await hooks.checkpoint(state);
  } catch (err) {
    if (!(err instanceof AbortError && hooks.signal?.aborted)) throw err;
    // Stopped mid-step: the state holds the last whole step; the caller resumes from it.
    await hooks.checkpoint(state);
  } finally {
    await Promise.all([s.prefill, s.decode, s.group, s.scorer, s.reference, s.grpo].map((x) => x?.release()));
  }
  return state;
}
