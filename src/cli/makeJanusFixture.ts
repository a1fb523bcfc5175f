// Writes the tiny random-weight Janus (MultiModality, onnx-community layout) fixture that the Janus
// loader and its transformers.js oracle test run on; see docs/janus-fixture.md.
// Run: npm run make:fixture [-- --out=DIR] [-- --fp16] [-- --q4]   (default test-output/fixtures/janus-tiny,
// git-ignored; --fp16 adds the onnx/*_fp16.onnx variant, --q4 the onnx/*_q4.onnx one with MatMulNBits)
import { resolve } from 'node:path';
import { writeJanusFixture } from './janusFixture/writeFixture.ts';

export const DEFAULT_FIXTURE_DIR = 'test-output/fixtures/janus-tiny';

const args = process.argv.slice(2);
const bad = args.filter((a) => !a.startsWith('--out=') && a !== '--fp16' && a !== '--q4');
if (bad.length > 0) {
  console.error(`make:fixture: unknown argument ${bad[0]} (usage: make:fixture [--out=DIR] [--fp16] [--q4])`);
  process.exit(2);
}
const out = args.find((a) => a.startsWith('--out='))?.slice('--out='.length) || DEFAULT_FIXTURE_DIR;
const files = writeJanusFixture(out, undefined, { fp16: args.includes('--fp16'), q4: args.includes('--q4') });
console.log(`wrote ${files.length} files to ${resolve(out)}:\n  ${files.join('\n  ')}`);
