// Inspect: prompt -> G images with intrinsic reward, rank, group advantage, ShapesEval verdict,
// a per-token heat strip each, and a word's occlusion heatmap over its image.
import { useShallow } from 'zustand/react/shallow';
import { defaultOcclusionBlock } from '../../core/families/family.ts';
import { REWARD_VARIANTS } from '../../core/gvu/reward.ts';
import { WORD_GROUPS } from '../../core/world/textTokenizer.ts';
import { diverging, viridis } from '../colour.ts';
import { HeatStrip, ScaleLegend } from '../components/HeatStrip.tsx';
import { PixelImage } from '../components/PixelImage.tsx';
import { useStore } from '../store/index.ts';
import { NUMBER_RULES, NUMBER_SETTINGS, type NumberSetting, rulesForFamily } from '../store/inspectRules.ts';
import type { GeneratedGroup } from '../../../workers/engineApi.ts';

const EXAMPLES = [
  'a photo of a red circle', 'a photo of two blue squares', 'a photo of a green triangle left of a yellow circle',
  'a photo of a large purple square', 'a photo of three orange triangles',
];
// GenEval's kinds of prompt (one object, two, a count, a colour, a position) and one free caption.
const FREE_TEXT_EXAMPLES = [
  'a photo of a bench', 'a photo of a cup and a dog', 'a photo of three apples', 'a photo of a red car',
  'a photo of a cat left of a bicycle', 'an astronaut riding a horse on the moon, oil painting',
];
const VOCAB_HINTS = [...WORD_GROUPS.colours, ...WORD_GROUPS.shapes, ...WORD_GROUPS.numbers, ...WORD_GROUPS.relations, ...WORD_GROUPS.sizes];

export function InspectView() {
  return (
    <div className="inspect">
      <PromptPanel />
      <RewardBar />
      <GroupGrid />
    </div>
  );
}

/** A numeric setting; its range is the store's (inspectRules.ts), the HTML min/max only a hint. */
function NumberField({ label, k, step, hint }: { label: string; k: NumberSetting; step: number; hint?: string }) {
  const value = useStore((s) => s.inspect[k]);
  const invalid = useStore((s) => Boolean(s.settingProblems[k]));
  const setInspect = useStore((s) => s.setInspect);
  const imageVocab = useStore((s) => (s.model?.family ? s.model.family.capabilities.imageVocab : undefined));
  const { min, max } = (imageVocab === undefined ? NUMBER_RULES : rulesForFamily(imageVocab))[k];
  return (
    <label className="field">
      <span>{label}</span>
      {/* An emptied or half-typed field reads as '' and becomes NaN: refused, never read as 0. */}
      <input type="number" min={min} max={max} step={step} value={Number.isNaN(value) ? '' : value} title={hint}
        aria-invalid={invalid} aria-describedby="setting-problems"
        onChange={(e) => setInspect({ [k]: e.target.value === '' ? NaN : Number(e.target.value) })} />
    </label>
  );
}

/** The refused numeric settings, one line each, in the fields' order. */
function SettingProblems() {
  const problems = useStore((s) => s.settingProblems);
  const lines = NUMBER_SETTINGS.map((k) => problems[k]).filter((p): p is string => Boolean(p));
  return (
    <div id="setting-problems" role={lines.length ? 'alert' : undefined}>
      {lines.map((p) => <p key={p} className="inline-error" data-testid="setting-problem">{p}</p>)}
    </div>
  );
}

function PromptPanel() {
  const { prompt, problem, generating, progress, busy, error, notice } = useStore(useShallow((s) => ({
    prompt: s.inspect.prompt, problem: s.promptProblem, generating: s.generating, progress: s.progress, busy: s.busy, error: s.inspectError,
    notice: s.inspectNotice,
  })));
  const cancelGenerate = useStore((s) => s.cancelGenerate);
  const scoreImageFiles = useStore((s) => s.scoreImageFiles);
  const setInspect = useStore((s) => s.setInspect);
  const generate = useStore((s) => s.generate);
  const model = useStore((s) => s.model);
  const refused = useStore((s) => Boolean(s.promptProblem) || Object.keys(s.settingProblems).length > 0);
  const addWord = (w: string) => setInspect({ prompt: `${prompt.trim()} ${w}`.trim() });
  // A family with its own tokenizer (Janus) reads any text: whole example prompts, not ShapesWorld's words.
  const freeText = useStore((s) => Boolean(s.model?.family?.capabilities.freeText));
  return (
    <section className="panel">
      <form className="prompt-form" onSubmit={(e) => { e.preventDefault(); void generate(); }}>
        <label className="field grow">
          <span>Prompt</span>
          <input
            type="text" list="prompt-examples" value={prompt} spellCheck={false} data-testid="prompt-input"
            aria-invalid={Boolean(problem)} aria-describedby="prompt-problem"
            onChange={(e) => setInspect({ prompt: e.target.value })}
          />
          <datalist id="prompt-examples">{(freeText ? FREE_TEXT_EXAMPLES : EXAMPLES).map((x) => <option key={x} value={x} />)}</datalist>
        </label>
        <button type="submit" className="primary" data-testid="generate" disabled={generating || Boolean(busy) || !model || refused}>
          {generating ? `Generating… ${Math.round(progress * 100)}%` : 'Generate'}
        </button>
        {generating && <button type="button" data-testid="generate-cancel" onClick={cancelGenerate}>Cancel</button>}
        <label className={`file-button${generating || busy || !model ? ' disabled' : ''}`} title="Score your own PNG, JPEG or WebP images against this prompt">
          Score your own image…
          <input type="file" accept="image/png,image/jpeg,image/webp" multiple data-testid="score-image-upload" disabled={generating || Boolean(busy) || !model}
            onChange={(e) => { const fs = [...(e.target.files ?? [])]; e.target.value = ''; void scoreImageFiles(fs); }} />
        </label>
      </form>
      <p id="prompt-problem" className={problem ? 'inline-error' : 'visually-hidden'} role={problem ? 'alert' : undefined} data-testid="prompt-problem">
        {problem ?? ''}
      </p>
      {freeText ? (
        <div className="chips-row" aria-label="Example prompts: click one to use it" data-testid="prompt-examples">
          {FREE_TEXT_EXAMPLES.map((x) => <button type="button" key={x} className="chip" onClick={() => setInspect({ prompt: x })}>{x}</button>)}
        </div>
      ) : (
        <div className="chips-row" aria-label="Vocabulary: click a word to add it">
          {VOCAB_HINTS.map((w) => <button type="button" key={w} className="chip" onClick={() => addWord(w)}>{w}</button>)}
        </div>
      )}
      <div className="fields">
        <NumberField label="G (group size)" k="groupSize" step={1} />
        <NumberField label="Base seed" k="seed" step={1} hint="image i uses seed + i" />
        <NumberField label="Temperature" k="temperature" step={0.1} hint="0 = greedy" />
        <NumberField label="Top-k" k="topK" step={1} hint="0 = off" />
        <NumberField label="Top-p" k="topP" step={0.05} hint="1 = off" />
        <NumberField label="Min-p" k="minP" step={0.01} hint="0 = off; the paper uses 0.03" />
        <NumberField label="CFG scale" k="cfgScale" step={0.5} hint="1 = no guidance" />
      </div>
      <SettingProblems />
      {busy && <p className="note">The engine is busy ({busy}); generation waits until it is done.</p>}
      {error && <p className="error-text" role="alert" data-testid="inspect-error">{error}</p>}
      {notice && <p className="muted" role="status" data-testid="inspect-notice">{notice}</p>}
    </section>
  );
}

function RewardBar() {
  const reward = useStore((s) => s.reward);
  const setReward = useStore((s) => s.setReward);
  const hasAdapter = useStore((s) => Boolean(s.model?.adapter));
  return (
    <section className="reward-bar" aria-label="Reward settings">
      <label className="field inline">
        <span>Reward</span>
        <select value={reward.variant} data-testid="reward-variant" onChange={(e) => void setReward({ variant: e.target.value as typeof reward.variant })}>
          {REWARD_VARIANTS.map((v) => <option key={v} value={v}>{v}</option>)}
        </select>
      </label>
      <label className="check">
        <input type="checkbox" checked={reward.includeEos} onChange={(e) => void setReward({ includeEos: e.target.checked })} />
        include &lt;eos&gt;
      </label>
      <fieldset className="segmented">
        <legend>Teacher</legend>
        {(['frozen', 'policy'] as const).map((t) => (
          <label key={t} className={reward.teacher === t ? 'on' : ''}>
            <input type="radio" name="teacher" value={t} checked={reward.teacher === t} onChange={() => void setReward({ teacher: t })} />
            {t === 'frozen' ? 'frozen base' : `current policy${hasAdapter ? '' : ' (= base)'}`}
          </label>
        ))}
      </fieldset>
      <ScaleLegend title="p(word | image)" scale={viridis} left="0" right="1" />
    </section>
  );
}

function GroupGrid() {
  const group = useStore((s) => s.group);
  const scores = useStore((s) => s.scores);
  const advantages = useStore((s) => s.advantages);
  const { overlayOn, overlayOpacity, heat, heatLoading, heatProgress } = useStore(useShallow((s) => ({
    overlayOn: s.overlayOn, overlayOpacity: s.overlayOpacity, heat: s.heat, heatLoading: s.heatLoading, heatProgress: s.heatProgress,
  })));
  const setOverlay = useStore((s) => s.setOverlay);
  if (!group || !scores || !advantages) {
    return <p className="empty">Type a prompt and press Generate: the model draws G images and grades each one word by word.</p>;
  }
  const order = [...scores.keys()].sort((a, b) => scores[b].reward - scores[a].reward);
  const rank = (i: number) => order.indexOf(i) + 1;
  const t = group.timings;
  return (
    <section>
      <div className="grid-head">
        <p className="section-note">
          <strong>{group.prompt}</strong> · <SpecNote group={group} /> ·{' '}
          {group.imageNames ? 'uploaded' : `sampled in ${t.sampleMs.toFixed(0)} ms`}, scored in {t.scoreMs.toFixed(0)} ms
        </p>
        <div className="overlay-controls">
          <label className="check">
            <input type="checkbox" checked={overlayOn} onChange={(e) => setOverlay({ on: e.target.checked })} /> heatmap overlay
          </label>
          <label className="field inline">
            <span>opacity</span>
            <input type="range" min={0.1} max={1} step={0.05} value={overlayOpacity} onChange={(e) => setOverlay({ opacity: Number(e.target.value) })} />
          </label>
          <HeatBlockField />
          <ScaleLegend title="occlusion: log p drop" scale={diverging} from={-1} to={1} left="against" right="supports" />
        </div>
      </div>
      {heatLoading && (
        <p className="muted" data-testid="heat-loading">
          <span className="spinner" aria-hidden /> Occluding each block and rescoring… {Math.round(heatProgress * 100)}%
        </p>
      )}
      <LinkOrigin />
      {/* --g: the grid's columns are sized so G cards fill the row (styles.css .image-grid). */}
      <div className="image-grid" style={{ '--g': group.images.length } as React.CSSProperties}>
        {group.images.map((im, i) => (
          <ImageCard key={`${group.imageNames?.[i] ?? group.seeds[i]}-${i}`} member={i} pixels={im} rank={rank(i)} advantage={advantages[i]}
            selectedWord={heat?.member === i ? heat.wordIndex : null} />
        ))}
      </div>
    </section>
  );
}

/**
 * An opened family's occluded block side, in image tokens: each block is one understanding pass of
 * the model, so a fine map of a 24 x 24 grid (576 passes) is the user's choice, not the default.
 */
function HeatBlockField() {
  const family = useStore((s) => s.model?.family ?? null);
  const block = useStore((s) => s.heatBlock);
  const setHeatBlock = useStore((s) => s.setHeatBlock);
  if (!family?.capabilities.occlusionMaps) return null;
  const grid = family.capabilities.imageTokens.rows;
  const sides = Array.from({ length: grid }, (_, i) => i + 1).filter((b) => grid % b === 0);
  const shown = block ?? defaultOcclusionBlock(grid); // the engine's default
  const blocks = (b: number) => Math.ceil(grid / b);
  return (
    <label className="field inline" title="Each block is painted grey and the image scored again: one understanding pass per block">
      <span>heatmap block</span>
      <select data-testid="heat-block" value={shown} onChange={(e) => void setHeatBlock(Number(e.target.value))}>
        {sides.map((b) => <option key={b} value={b}>{b} x {b} tokens ({blocks(b)} x {blocks(b)} = {blocks(b) ** 2} passes)</option>)}
      </select>
    </label>
  );
}

/** Says where the group came from when the opening link named it (inspectSlice.regenerateFromLink). */
function LinkOrigin() {
  const fromLink = useStore((s) => s.groupFromLink);
  const seed = useStore((s) => s.group?.seeds[0]);
  const model = useStore((s) => s.model);
  const variant = useStore((s) => s.reward.variant);
  if (!fromLink || !model) return null;
  return (
    <p className="link-origin" role="status" data-testid="link-origin">
      <strong>From the link:</strong> these images were sampled again from the link&apos;s prompt, seed {seed} (image i uses seed + i)
      and sampling settings, on {model.name} · {model.backend}{model.adapter ? ' with the adapter loaded here' : ', base model'}, reward {variant}.
      They are the sender&apos;s images when the sender used the same model, adapter and backend.
    </p>
  );
}

/** Where the verdicts' spec came from: a shipped prompt set, the prompt's grammar, or why there is none. */
function SpecNote({ group }: { group: GeneratedGroup }) {
  if (group.tag === null) return <span data-testid="spec-note">no spec: {group.noSpecReason ?? 'not a ShapesWorld prompt'}</span>;
  const from = group.specSource === 'grammar' ? 'read from the prompt (not in the shipped prompt sets)' : 'from the shipped prompt sets';
  return <span data-testid="spec-note" title={`spec ${from}`}>ShapesEval: {group.tag}{group.specSource === 'grammar' ? ' (spec read from the prompt)' : ''}</span>;
}

function ImageCard({ member, pixels, rank, advantage, selectedWord }: {
  member: number; pixels: Uint8Array; rank: number; advantage: number; selectedWord: number | null;
}) {
  const score = useStore((s) => s.scores![member]);
  const verdict = useStore((s) => s.group!.verdicts[member]);
  const noSpecReason = useStore((s) => s.group!.noSpecReason);
  // A sampled image is named by its seed, an uploaded one by its file.
  const seed = useStore((s) => s.group!.imageNames?.[member] ?? s.group!.seeds[member]);
  const maps = useStore((s) => s.heatMaps[member]);
  // An opened family's images carry their size and token grid; absent, the tiny model's 48 x 48 and 4 x 4.
  const imageSize = useStore((s) => s.group!.sizes?.[member]);
  const grid = useStore((s) => s.group!.grid);
  const overlayOn = useStore((s) => s.overlayOn);
  const opacity = useStore((s) => s.overlayOpacity);
  const selectWord = useStore((s) => s.selectWord);
  const map = selectedWord !== null && maps ? maps[selectedWord] : null;
  const scale = map ? Math.max(1e-6, ...Array.from(map.heat, Math.abs)) : 1;
  return (
    <article className="image-card" data-testid="image-card">
      <div className="image-wrap">
        <PixelImage pixels={pixels} size={176} fill label={`image ${member + 1}, seed ${seed}`} width={imageSize?.width} height={imageSize?.height} grid={grid}
          overlay={map && overlayOn ? { heat: map.heat, scale, opacity, grid: map.grid } : null} />
        <span className="rank" title="rank by reward within the group">#{rank}</span>
      </div>
      <div className="card-stats">
        <div><span className="stat-label">reward</span><span className="stat" data-testid="reward-value" data-reward={score.reward}>{score.reward.toFixed(4)}</span></div>
        <div><span className="stat-label">advantage</span><AdvantageValue value={advantage} /></div>
        <div><span className="stat-label">{typeof seed === 'string' ? 'file' : 'seed'}</span><span className="stat mono origin" data-testid="image-origin" title={String(seed)}>{seed}</span></div>
      </div>
      <VerdictBadge verdict={verdict} noSpecReason={noSpecReason} />
      <HeatStrip tokens={score.tokens} selected={selectedWord} label={`per-word p for image ${member + 1}`}
        onSelect={(j) => void selectWord(member, j)} />
      {map && <p className="map-note">Heatmap of <strong>{map.word}</strong> (max |Δlog p| {scale.toFixed(3)})</p>}
    </article>
  );
}

/** A group advantage to two decimals; one that rounds to zero is neutral (no "-0.00" in red). */
function AdvantageValue({ value }: { value: number }) {
  const shown = Math.abs(value) < 0.005 ? 0 : value;
  const cls = shown > 0 ? 'pos' : shown < 0 ? 'neg' : '';
  return <span className={`stat ${cls}`} data-testid="advantage-value">{shown > 0 ? '+' : shown < 0 ? '−' : '±'}{Math.abs(shown).toFixed(2)}</span>;
}

function VerdictBadge({ verdict, noSpecReason }: {
  verdict: { pass: boolean; strictPass: boolean; reasons: readonly string[] } | null; noSpecReason: string | null;
}) {
  if (!verdict) return <span className="badge muted-badge" data-testid="verdict" title={noSpecReason ?? undefined}>no spec</span>;
  const [cls, text] = verdict.strictPass ? ['ok', 'pass (strict)'] : verdict.pass ? ['ok', 'pass'] : ['bad', 'fail'];
  const detail = verdict.reasons.join('\n') || 'every requested object found';
  // A short badge; why it failed is on hover (and read out by screen readers), so no card is dominated by it.
  return (
    <span className={`badge verdict ${cls}`} data-testid="verdict" title={detail} tabIndex={0} aria-label={`ShapesEval: ${text}. ${detail}`}>
      ShapesEval: {text}{verdict.reasons.length > 0 && <span className="verdict-more" aria-hidden>?</span>}
    </span>
  );
}
