// Judge speed: ms per image for detectObjects + GenEval rules on ground-truth renders of the test
// prompts (rendering and scene sampling excluded).  Run: npx tsx src/cli/benchShapesEval.ts
import { readFileSync } from 'node:fs';
import { mulberry32 } from '../core/tensor.ts';
import { judge } from '../core/eval/judge.ts';
import { renderScene } from '../core/world/render.ts';
import { sampleSceneForSpec } from '../core/world/sampleScene.ts';
import { parseSpecJsonl } from '../core/world/spec.ts';

const specs = parseSpecJsonl(readFileSync('public/data/prompts/test.jsonl', 'utf8'), 'test.jsonl');
const rng = mulberry32(1);
const cases = specs.flatMap((spec) => Array.from({ length: 20 }, () => ({ spec, image: renderScene(sampleSceneForSpec(spec, rng)) })));

for (const { spec, image } of cases.slice(0, 200)) judge(image, spec); // warm up the JIT
const t0 = performance.now();
let passed = 0;
for (const { spec, image } of cases) passed += +judge(image, spec).strictPass;
const ms = performance.now() - t0;
console.log(`judge: ${cases.length} images in ${ms.toFixed(0)} ms = ${(ms / cases.length).toFixed(3)} ms/image (strictPass ${passed}/${cases.length})`);
