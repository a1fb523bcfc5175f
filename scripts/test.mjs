#!/usr/bin/env node
// The one test command (README, .ci/run): type-check, lint, then every vitest project (unit,
// integration, browser). Browser tests need Debian's Chromium; as root we install it, otherwise we
// stop with the one line that installs it. Nothing is skipped silently.
import { execSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';

const CHROMIUM = '/usr/bin/chromium';

function run(cmd, args) {
  console.log(`\n$ ${cmd} ${args.join(' ')}`);
  const r = spawnSync(cmd, args, { stdio: 'inherit' });
  if (r.status !== 0) {
    console.error(`\n${cmd} ${args.join(' ')} failed (exit ${r.status ?? r.signal})`);
    process.exit(r.status ?? 1);
  }
}

if (!existsSync(CHROMIUM)) {
  if (process.getuid?.() === 0) {
    console.log('Chromium is missing: installing Debian\'s chromium package for the browser tests');
    execSync('apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium', { stdio: 'inherit' });
  } else {
    console.error('Browser tests need Chromium: run `sudo apt-get install -y chromium`, then `npm test` again.');
    process.exit(1);
  }
}

run('npx', ['tsc', '-p', 'tsconfig.json', '--noEmit']);
run('npx', ['eslint', '.']);
const report = 'test-output/vitest.json';
const r = spawnSync('npx', ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile=${report}`, ...process.argv.slice(2)], { stdio: 'inherit' });
if (existsSync(report)) {
  const j = JSON.parse(readFileSync(report, 'utf8'));
  // One plain closing line, whatever the runner prints above it.
  console.log(`\ntests: ${j.numPassedTests} passed, ${j.numFailedTests} failed` + (j.numPendingTests ? `, ${j.numPendingTests} skipped` : ''));
}
process.exit(r.status ?? 1);
