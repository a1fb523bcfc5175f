// Train: GvU in the tab. Hyper-parameters, prompt source, run controls, live curves (overlaid with
// any kept runs), a fixed-seed before/after grid, the adapter (download / upload in the PEFT
// layout), and the runs kept in IndexedDB with their comparison.
import { useShallow } from 'zustand/react/shallow';
import type { CompareGrid } from '../../../workers/engineApi.ts';
import { adapterOrigin } from '../adapterOrigin.ts';
import { ADVANTAGE_MODES, type AdvantageMode } from '../../core/gvu/advantages.ts';
import { REWARD_VARIANTS } from '../../core/gvu/reward.ts';
import { TRAIN_SETTING_RULES } from '../../core/gvu/trainSettings.ts';
import { formatProblem } from '../../core/io/promptSet.ts';
import { PixelImage } from '../components/PixelImage.tsx';
import { TinyModelOnly } from '../components/TinyModelOnly.tsx';
import { useStore } from '../store/index.ts';
import { GVU_PRESETS, GVU_PRESET_NAMES } from '../../core/gvu/presets.ts';
import { type TrainConfig, type TrainNumberField, presetPatch } from '../store/trainForm.ts';
import { RunCompare } from './train/RunCompare.tsx';
import { RunsPanel } from './train/RunsPanel.tsx';
import { ShippedAdapter } from './train/ShippedAdapter.tsx';
import { TrainCharts } from './train/TrainCharts.tsx';

export function TrainView() {
  return (
    <div className="train-view">
      <TinyModelOnly what="Training" />
      <div className="two-col">
        <TrainSettings />
        <RunPanel />
      </div>
      <TrainCharts />
      <ShippedAdapter />
      <BeforeAfter />
      <AdapterPanel />
      <RunsPanel />
      <RunCompare />
    </div>
  );
}

// Ranges come from the shared table (trainSettings.ts); the HTML min/max are only a hint to the
// browser's spinner, the store checks every keystroke.
const FIELDS: { k: TrainNumberField; label: string; step: number }[] = [
  { k: 'steps', label: 'Steps', step: 1 },
  { k: 'promptsPerStep', label: 'Prompts / step', step: 1 },
  { k: 'groupSize', label: 'G (group size)', step: 1 },
  { k: 'lr', label: 'Learning rate', step: 0.0001 },
  { k: 'beta', label: 'β (KL)', step: 0.01 },
  { k: 'clipEps', label: 'Clip ε', step: 0.05 },
  { k: 'innerUpdates', label: 'Inner updates', step: 1 },
  { k: 'deadZone', label: 'Dead zone', step: 0.01 },
  { k: 'evalEvery', label: 'Validate every', step: 1 },
];

const ADVANTAGE_LABELS: Record<AdvantageMode, string> = {
  std: 'std (GRPO)', no_std: 'no std (Dr. GRPO)', dead_zone: 'std, dead zone', rank: 'rank',
};

// The field label's bold would make a sentence in a narrow column hard to read.
const PROBLEM_TEXT = { fontWeight: 400, fontSize: '0.8rem', lineHeight: 1.35 } as const;
const INVALID_INPUT = { borderColor: 'var(--bad)' } as const;

/** A numeric run setting; an emptied field stays empty and is a problem, shown under it. */
function NumberField({ k, label, step }: { k: TrainNumberField; label: string; step: number }) {
  const value = useStore((s) => s.trainConfig[k]);
  const problem = useStore((s) => s.trainProblems[k] ?? null);
  const set = useStore((s) => s.setTrainConfig);
  // The dead zone only acts with dead-zone advantages; greyed out otherwise, its value kept.
  const unused = useStore((s) => k === 'deadZone' && s.trainConfig.advantage !== 'dead_zone');
  const { min, max } = TRAIN_SETTING_RULES[k];
  return (
    <label className="field">
      <span>{label}</span>
      <input type="number" value={Number.isNaN(value) ? '' : value} step={step} min={min} max={Number.isFinite(max) ? max : undefined}
        disabled={unused} title={unused ? 'used by the "std, dead zone" advantages only' : undefined} data-testid={`train-${k}`} aria-invalid={Boolean(problem)} aria-describedby={`train-${k}-problem`}
        style={problem ? INVALID_INPUT : undefined} onChange={(e) => set({ [k]: e.target.value })} />
      {problem && <span id={`train-${k}-problem`} className="inline-error" style={PROBLEM_TEXT} role="alert" data-testid={`train-${k}-problem`}>{problem}</span>}
    </label>
  );
}

function TrainSettings() {
  const config = useStore((s) => s.trainConfig);
  const set = useStore((s) => s.setTrainConfig);
  const prompts = useStore((s) => s.trainPrompts);
  const uploadError = useStore((s) => s.trainPromptsError);
  const load = useStore((s) => s.loadTrainPrompts);
  const loadPool = useStore((s) => s.loadRlPool);
  const running = useStore((s) => s.trainStatus === 'running' || s.trainStatus === 'pausing');
  return (
    <section className="panel">
      <h2>Run settings</h2>
      <div className="button-row">
        <span className="muted">Preset:</span>
        {GVU_PRESET_NAMES.map((n) => (
          <button key={n} type="button" disabled={running} title={GVU_PRESETS[n].why} data-testid={`train-preset-${n}`}
            onClick={() => { set(presetPatch(n)); void loadPool(); }}>{GVU_PRESETS[n].label}</button>
        ))}
      </div>
      <fieldset className="fields" disabled={running}>
        {FIELDS.map((f) => <NumberField key={f.k} {...f} />)}
        <label className="field">
          <span>Prompt sampling</span>
          <select value={config.promptSampling} data-testid="train-promptSampling"
            onChange={(e) => set({ promptSampling: e.target.value as TrainConfig['promptSampling'] })}>
            <option value="uniform">uniform</option>
            <option value="by_tag">by category</option>
          </select>
        </label>
        <label className="field">
          <span>Advantages</span>
          <select value={config.advantage} data-testid="train-advantage" onChange={(e) => set({ advantage: e.target.value as TrainConfig['advantage'] })}>
            {ADVANTAGE_MODES.map((m) => <option key={m} value={m}>{ADVANTAGE_LABELS[m]}</option>)}
          </select>
        </label>
        <label className="field">
          <span>Teacher</span>
          <select value={config.teacher} onChange={(e) => set({ teacher: e.target.value as TrainConfig['teacher'] })}>
            <option value="frozen">frozen base</option>
            <option value="policy">current policy</option>
          </select>
        </label>
        <label className="field">
          <span>Reward</span>
          <select value={config.rewardVariant} onChange={(e) => set({ rewardVariant: e.target.value as TrainConfig['rewardVariant'] })}>
            {[...REWARD_VARIANTS, 'sequence'].map((v) => <option key={v} value={v}>{v}</option>)}
          </select>
        </label>
      </fieldset>
      <div className="upload-row">
        <span className="muted" data-testid="train-prompts">Prompts: <strong>{prompts.name}</strong>{prompts.count !== null ? ` (${prompts.count} with a spec)` : ''}</span>
        <label className="file-button">
          Upload GenEval JSONL…
          <input type="file" accept=".jsonl,.txt,.csv" disabled={running} data-testid="train-upload"
            onChange={(e) => { const f = e.target.files?.[0]; if (f) void load(f); e.target.value = ''; }} />
        </label>
        {prompts.specs && <button type="button" className="link" onClick={() => void load(null)}>use the train set</button>}
        <button type="button" className="link" disabled={running} data-testid="train-use-pool" onClick={() => void loadPool()}>use the RL pool</button>
      </div>
      {uploadError && <p className="error-text" role="alert" data-testid="train-prompts-error">{uploadError}</p>}
      {prompts.note && <p className="note">{prompts.note}</p>}
      {prompts.problems.length > 0 && (
        <details open className="problems">
          <summary>Problems in {prompts.name} ({prompts.problems.length})</summary>
          <ul data-testid="train-prompt-problems">
            {prompts.problems.slice(0, 50).map((p, i) => (
              <li key={i} className={p.severity}>
                <span className="mono">line {p.line}</span> <span className="badge">{p.kind}</span> {p.message}
                <span className="visually-hidden">{formatProblem(prompts.name, p)}</span>
              </li>
            ))}
          </ul>
        </details>
      )}
    </section>
  );
}

function RunPanel() {
  const { status, step, phase, error, steps, busy } = useStore(useShallow((s) => ({
    status: s.trainStatus, step: s.trainStep, phase: s.trainPhase, error: s.trainError, steps: s.trainConfig.steps, busy: s.busy,
  })));
  const a = useStore(useShallow((s) => ({
    start: s.startTraining, pause: s.pauseTraining, resume: s.resumeTraining, stop: s.stopTraining, demo: s.startDemo,
  })));
  const lastStepMs = useStore((s) => (s.trainLog.length ? Math.round(1000 * s.trainLog[s.trainLog.length - 1].seconds) : null));
  const invalid = useStore((s) => Object.keys(s.trainProblems).length > 0);
  const tinyOnly = useStore((s) => Boolean(s.model?.family));
  const skips = useStore((s) => [...s.trainLog].reverse().find((r) => r.skipReason) ?? null);
  const skipped = useStore((s) => (s.trainLog.length ? s.trainLog[s.trainLog.length - 1].skipped : 0));
  const running = status === 'running' || status === 'pausing';
  // Resume continues the run the worker holds, not a run reopened from the list.
  const resumable = useStore((s) => s.currentRunId === s.workerRunId);
  // Another family open: training needs the tiny model (TinyModelOnly above says so).
  const otherBusy = (Boolean(busy) && !running) || tinyOnly;
  return (
    <section className="panel run-panel">
      <h2>Run</h2>
      <div className="progress" role="progressbar" aria-valuemin={0} aria-valuemax={steps} aria-valuenow={step} aria-label="training steps">
        <span style={{ width: `${Math.min(100, (100 * step) / steps)}%` }} />
      </div>
      <p className="run-status" data-testid="train-status" data-status={status} data-last-step-ms={lastStepMs ?? undefined}>
        <strong>{status}</strong> · step <span data-testid="train-step">{step}</span> / {steps}{phase ? ` · ${phase}` : ''}{lastStepMs !== null ? ` · last step ${(lastStepMs / 1000).toFixed(1)} s` : ''}
      </p>
      <div className="button-row">
        <button type="button" className="primary" data-testid="train-start" disabled={running || otherBusy || invalid} onClick={() => void a.start()}>Start</button>
        <button type="button" data-testid="train-pause" disabled={status !== 'running'} onClick={() => void a.pause()}>Pause</button>
        <button type="button" data-testid="train-resume" disabled={status !== 'paused' || otherBusy || !resumable} onClick={() => void a.resume()}>Resume</button>
        <button type="button" data-testid="train-stop" disabled={!running && status !== 'paused'} onClick={() => void a.stop()}>Stop</button>
        <button type="button" className="demo" data-testid="train-demo" disabled={running || otherBusy} onClick={() => void a.demo()}>▶ Demo: short run</button>
      </div>
      <PassRate />
      <p className="hint">Start begins a new run with a fresh adapter; earlier runs stay in the Runs list below with their curves and adapters. Pause keeps the run (adapter and Adam state) in memory; Resume continues it.</p>
      {otherBusy && busy && <p className="note">The engine is busy ({busy}).</p>}
      {invalid && !running && <p className="note" data-testid="train-settings-invalid">Start waits until every run setting is allowed: see the problems under the fields.</p>}
      {skipped > 0 && (
        <p className="note" data-testid="train-skipped">
          {skipped} update(s) skipped by the non-finite guard, never written to the adapter{skips?.skipReason ? `; last: ${skips.skipReason}` : ''}.
        </p>
      )}
      {error && <p className="error-text" role="alert" data-testid="train-error">{error}</p>}
    </section>
  );
}

/** The live pass-rate counter: the judge on this step's rollouts, and on the validation prompts. */
function PassRate() {
  const last = useStore((s) => s.trainLog.at(-1) ?? null);
  const evals = useStore((s) => s.trainEvals);
  const first = evals[0];
  const latest = evals.at(-1);
  if (!last && !latest) return null;
  const pct = (v: number) => `${(100 * v).toFixed(0)}%`;
  return (
    <p className="pass-rate" data-testid="pass-rate" data-rollouts={last?.judgePass} data-val={latest?.valOverall} data-val-start={first?.valOverall}>
      Judge pass rate: {last && <>rollouts <strong>{pct(last.judgePass)}</strong> at step {last.step}</>}
      {latest && <>{last ? ' · ' : ''}validation <strong>{pct(latest.valOverall)}</strong> at step {latest.step}{first && first !== latest ? ` (was ${pct(first.valOverall)} at step ${first.step})` : ''}</>}
    </p>
  );
}

function BeforeAfter() {
  const grid = useStore((s) => s.grid);
  const loading = useStore((s) => s.gridLoading);
  const refresh = useStore((s) => s.refreshGrid);
  const busy = useStore((s) => s.busy);
  return (
    <section>
      <div className="section-head">
        <h2>Before / after (fixed seeds)</h2>
        <button type="button" disabled={loading || Boolean(busy)} onClick={() => void refresh()} data-testid="grid-refresh">
          {loading ? 'Drawing…' : 'Draw grid'}
        </button>
      </div>
      {!grid ? <p className="muted">The same prompts and seeds through the base model and the current adapter; drawn when a run pauses or ends.</p> : (
        <>
          {grid.pass && <PassCounts pass={grid.pass} />}
          <div className="compare" data-testid="compare-grid">
            {grid.prompts.map((p, i) => (
              <div key={p} className="compare-row">
                <p className="compare-prompt">{p}</p>
                {(['base', 'adapter'] as const).map((which) => (
                  <div key={which} className="compare-set">
                    <span className="compare-label">{which === 'base' ? 'base' : 'adapter'}</span>
                    {grid.seeds.map((seed, k) => {
                      const j = i * grid.seeds.length + k;
                      const pass = grid.pass?.[which][j] ?? null;
                      return (
                        <span key={seed} className="compare-cell" data-pass={pass ?? undefined}>
                          <PixelImage pixels={grid[which][j]} size={72} label={`${which}, ${p}, seed ${seed}${pass === null ? '' : pass ? ', passes' : ', fails'}`} />
                          {pass !== null && <span className={`compare-verdict ${pass ? 'pass' : 'fail'}`} aria-hidden>{pass ? '✓' : '✗'}</span>}
                        </span>
                      );
                    })}
                  </div>
                ))}
              </div>
            ))}
          </div>
        </>
      )}
    </section>
  );
}

/** How many images of each side the judge passes (prompts without a spec are left out). */
function PassCounts({ pass }: { pass: NonNullable<CompareGrid['pass']> }) {
  const count = (v: readonly (boolean | null)[]) => `${v.filter((x) => x === true).length}/${v.filter((x) => x !== null).length}`;
  return (
    <p className="muted" data-testid="grid-pass" data-base={count(pass.base)} data-adapter={count(pass.adapter)}>
      Judge passes: base <strong>{count(pass.base)}</strong> · adapter <strong>{count(pass.adapter)}</strong>
    </p>
  );
}

function AdapterPanel() {
  const adapter = useStore((s) => s.model?.adapter ?? null);
  const fromRun = useStore((s) => s.trainRuns.find((r) => r.id === s.adapterRunId)?.name ?? null);
  const error = useStore((s) => s.adapterError);
  const busy = useStore((s) => s.busy);
  const a = useStore(useShallow((s) => ({ up: s.importAdapter, down: s.downloadAdapter, clear: s.clearAdapter })));
  return (
    <section className="panel">
      <h2>Adapter</h2>
      <p data-testid="adapter-summary">
        {adapter ? `LoRA r=${adapter.rank}, α=${adapter.alpha}, ${adapter.params.toLocaleString()} parameters, ${adapterOrigin(adapter)}.` : 'No adapter: the base model generates.'}
      </p>
      {adapter && fromRun && <p className="muted" data-testid="adapter-run">The adapter of run <strong>{fromRun}</strong> (Runs below).</p>}
      {adapter?.warnings.map((w) => <p key={w} className="note" role="status" data-testid="adapter-warning">Warning: {w}</p>)}
      <div className="button-row">
        <button type="button" disabled={!adapter || Boolean(busy)} onClick={() => void a.down()} data-testid="adapter-download">
          Download adapter (.zip, PEFT layout)
        </button>
        <label className="file-button">
          Upload adapter (.zip or both files)…
          <input type="file" multiple accept=".zip,.json,.safetensors" data-testid="adapter-upload" disabled={Boolean(busy)}
            onChange={(e) => void a.up([...(e.target.files ?? [])])} />
        </label>
        <button type="button" disabled={!adapter || Boolean(busy)} onClick={() => void a.clear()} data-testid="adapter-remove">Remove adapter</button>
      </div>
      {error && <p className="error-text" role="alert" data-testid="adapter-error">{error}</p>}
    </section>
  );
}
