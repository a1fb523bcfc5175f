"""PyTorch eager's group of 8 with the adapter merged into W (the fair twin of the project's merged
sampling), against the same adapter unmerged; the reference's own sampler and weights.
usage (from the repository root, ../shared/ref beside it): OPENBLAS_NUM_THREADS=2 /usr/bin/python3 scripts/perf/torch_merged.py [REPS]"""
import os, statistics, sys, time
REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
REF = os.path.join(REPO, '..', 'shared', 'ref')
sys.path.insert(0, REF)
reps = int(sys.argv[1]) if len(sys.argv) > 1 else 30
sys.argv = [sys.argv[0], REPO, '--threads', '2']
import torch
# bench_worker.py builds the reference's policy with the bench adapter; importing it runs its set-up
# and starts its stdin loop, so read its set-up code instead (everything above the task table).
src = open(os.path.join(REF, 'bench_worker.py')).read().split('mm_a, mm_b =')[0]
g = {'__name__': 'bw'}
exec(compile(src, 'bench_worker.py', 'exec'), g)
tu, policy, cfg, weights = g['tu'], g['policy'], g['cfg'], g['weights']
prompt8, seeds8, names, lora_np = g['prompt8'], g['seeds8'], g['names'], g['lora_np']
merged_w = {k: v.copy() for k, v in weights.items()}
for p in names:
    merged_w[p] = (weights[p].astype('float64') + 4.0 * (lora_np[f'lora.{p}.A'].astype('float64') @ lora_np[f'lora.{p}.B'].astype('float64'))).astype('float32')
merged = tu.TinyUMM(cfg, merged_w)
def t(model):
    with torch.inference_mode():
        t0 = time.perf_counter(); c = tu.sample_images(model, prompt8, seeds8); return (time.perf_counter() - t0) * 1000, c
for _ in range(3): t(policy); t(merged)
a, b, same = [], [], 0
for r in range(reps):
    time.sleep(0.05); x, cx = t(policy); time.sleep(0.05); y, cy = t(merged); a.append(x); b.append(y); same += int((cx[0] == cy[0]).sum())
print(f'pytorch group of 8: unmerged {statistics.median(a):.2f} ms, merged {statistics.median(b):.2f} ms; codes same {same}/{reps * 8 * 16}')
