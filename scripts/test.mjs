#!/usr/bin/env node
// The one test command (README, .ci/run): type-check, lint, then every vitest project (unit,
// integration, browser). Browser tests need Debian's Chromium and the queue tests Debian's
// redis-server; as root we install what is missing (one apt-get call), otherwise we stop with the
// one line that installs it. Nothing is skipped silently.
import { execSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';

const CHROMIUM = '/usr/bin/chromium';
const REDIS_SERVER = '/usr/bin/redis-server';

function run(cmd, args) {
  console.log(`\n$ ${cmd} ${args.join(' ')}`);
  const r = spawnSync(cmd, args, { stdio: 'inherit' });
  if (r.status !== 0) {
    console.error(`\n${cmd} ${args.join(' ')} failed (exit ${r.status ?? r.signal})`);
    process.exit(r.status ?? 1);
  }
}

// Debian packages the tests need, installed in one apt-get call as root.
const NEEDED = [
  { path: CHROMIUM, pkg: 'chromium', why: 'Browser tests need Chromium' },
  { path: REDIS_SERVER, pkg: 'redis-server', why: 'Queue tests (tests/cli/queue.test.ts) need redis-server' },
].filter((n) => !existsSync(n.path));
if (NEEDED.length > 0) {
  const pkgs = NEEDED.map((n) => n.pkg).join(' ');
  if (process.getuid?.() === 0) {
    console.log(`${NEEDED.map((n) => n.path).join(' and ')} missing: installing Debian's ${pkgs} for the tests`);
    execSync(`apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq ${pkgs}`, { stdio: 'inherit' });
  } else {
    console.error(`${NEEDED.map((n) => n.why).join('; ')}: run \`sudo apt-get install -y ${pkgs}\`, then \`npm test\` again.`);
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
