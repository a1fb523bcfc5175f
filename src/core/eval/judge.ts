// ShapesEval's verdict on one image: detect objects from pixels, then apply GenEval's rules for
// the spec (world/specCheck.ts; relations by GenEval's relative_position unless another rule is named). `pass` is GenEval's verdict; `strictPass` also demands the exact
// object set (nothing the spec did not ask for).
import type { Spec } from '../world/spec.ts';
import { type SpecCheckOptions, checkSpec } from '../world/specCheck.ts';
import { type Detection, detectObjects } from './detectObjects.ts';

export interface JudgeResult {
  readonly pass: boolean;
  readonly strictPass: boolean;
  readonly detections: readonly Detection[];
  /** Human-readable: "expected 2 red circle, found 1", "not asked for: small blue square at (30.0, 6.0)". */
  readonly reasons: readonly string[];
}

export function judge(image: Uint8Array, spec: Spec, options: SpecCheckOptions = {}): JudgeResult {
  const detections = detectObjects(image);
  const { pass, strictPass, reasons } = checkSpec(detections, spec, options);
  return { pass, strictPass, detections, reasons };
}
