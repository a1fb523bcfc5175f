// Numbers the browser tests measure on the way (latencies, rows lost), kept for the reliability
// report (scripts/reliability.mjs reads test-output/measurements/ after running the tests).
import { mkdirSync, writeFileSync } from 'node:fs';

export const MEASUREMENT_DIR = 'test-output/measurements';

export function recordMeasurement(key: string, value: number): void {
  mkdirSync(MEASUREMENT_DIR, { recursive: true });
  writeFileSync(`${MEASUREMENT_DIR}/${key}.json`, JSON.stringify({ key, value, at: new Date().toISOString() }) + '\n');
}
