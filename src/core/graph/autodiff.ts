// Reverse-mode automatic differentiation over a Graph: one reverse sweep over the nodes (already in
// topological order), calling each op's vjp rule. Fan-out sums and broadcast reduction live here,
// never in the rules. The result is one ONNX graph computing the forward outputs and the gradients.
import { isFloat } from '../tensor.ts';
import { type Graph, type Node, type Value } from './graph.ts';
import { fmtShape } from './shape.ts';
import { OPS, add, reduceSum, reshapeTo, zerosLike } from './ops/index.ts';

export interface GradientOptions {
  /** Prefix of gradient output names: `${prefix}${param}` (default 'grad.'). */
  readonly prefix?: string;
  /** Keep the forward graph's outputs (default true). */
  readonly keepOutputs?: boolean;
}

/**
 * Emit a graph computing `loss` (a scalar) and dLoss/dParam for every name in `wrt` (graph inputs
 * or initializers). Outputs: the forward outputs, then `loss`, then one gradient per parameter.
 */
export function buildGradientGraph(forward: Graph, loss: string, wrt: readonly string[], opts: GradientOptions = {}): Graph {
  const g = forward.clone(`${forward.name}_grad`);
  const prefix = opts.prefix ?? 'grad.';
  const lossV = g.value(loss);
  if (lossV.shape.some((d) => d !== 1)) throw new Error(`loss ${loss} must be a scalar, has shape ${fmtShape(lossV.shape)}`);
  for (const w of wrt) {
    if (!isFloat(g.value(w).dtype)) throw new Error(`cannot differentiate with respect to ${w}: dtype ${g.value(w).dtype}`);
  }

  const forwardNodes = [...g.nodes];
  const needs = requiresGrad(g, forwardNodes, wrt);
  const contributions = new Map<string, Value[]>([[loss, [g.const(lossV.dtype, 1, lossV.shape.map(() => 1))]]]);
  const gradOf = (name: string): Value | null => sumAll(contributions.get(name));

  for (let i = forwardNodes.length - 1; i >= 0; i--) {
    const node = forwardNodes[i];
    if (!node.inputs.some((n) => needs.has(n))) continue;
    const outGrads = node.outputs.map(gradOf);
    if (outGrads.every((v) => v === null)) continue;
    const spec = OPS[node.op];
    if (!spec.vjp) throw new Error(`no gradient rule for ${node.op} (node ${node.name})`);
    const inputs = node.inputs.map((n) => (n ? g.value(n) : null));
    const outputs = node.outputs.map((n) => g.value(n));
    const rules = spec.vjp({ graph: g, node, inputs, outputs, attrs: node.attrs }, outGrads.map((v, k) => v ?? zerosLike(outputs[k])));
    if (rules.length !== node.inputs.length) {
      throw new Error(`gradient rule for ${node.op} (node ${node.name}) gave ${rules.length} entries for ${node.inputs.length} inputs`);
    }
    node.inputs.forEach((name, k) => {
      const rule = rules[k];
      if (!name || !needs.has(name) || !rule) return;
      const grad = unbroadcast(rule(), inputs[k]!, node);
      contributions.set(name, [...(contributions.get(name) ?? []), grad]);
    });
  }

  const keep = opts.keepOutputs ?? true;
  const outs = keep ? [...forward.outputs] : [];
  g.outputs.length = 0;
  g.outputs.push(...outs);
  if (!outs.includes(loss)) g.outputs.push(loss);
  for (const w of wrt) g.output(gradOf(w) ?? zerosLike(g.value(w)), `${prefix}${w}`);
  return g;
}

/**
 * Names of float values that depend on any of `wrt` (forward reachability). Integer and boolean
 * outputs (Shape, comparisons) carry no gradient; every float path must have a rule.
 */
function requiresGrad(g: Graph, nodes: readonly Node[], wrt: readonly string[]): Set<string> {
  const needs = new Set(wrt);
  for (const n of nodes) {
    if (!n.inputs.some((i) => needs.has(i))) continue;
    for (const o of n.outputs) if (isFloat(g.value(o).dtype)) needs.add(o);
  }
  return needs;
}

function sumAll(vs: Value[] | undefined): Value | null {
  if (!vs || vs.length === 0) return null;
  return vs.reduce((a, b) => add(a, b));
}

/** Sum a gradient in a broadcast shape back to the shape of the input it belongs to. */
function unbroadcast(grad: Value, input: Value, node: Node): Value {
  const [gs, xs] = [grad.shape, input.shape];
  if (gs.length === xs.length && gs.every((d, i) => d === xs[i])) return grad;
  const lead = gs.length - xs.length;
  const fail = () =>
    new Error(`${node.op} ${node.name}: cannot reduce gradient ${fmtShape(gs)} to input ${input.name} ${fmtShape(xs)}`);
  if (lead < 0) {
    // A rule returned a smaller gradient (e.g. a squeezed one): only a reshape can fix it.
    if (gs.every((d) => d === 1) || xs.filter((d) => d !== 1).join() === gs.filter((d) => d !== 1).join()) return reshapeTo(grad, input);
    throw fail();
  }
  const leadAxes = Array.from({ length: lead }, (_, i) => i);
  const oneAxes: number[] = [];
  xs.forEach((d, i) => {
    const gd = gs[lead + i];
    if (d === gd) return;
    if (d === 1) oneAxes.push(i);
    else if (typeof d === 'number' && typeof gd === 'number') throw fail();
    // differently named symbols: taken as equal, as broadcasting did
  });
  let out = grad;
  if (leadAxes.length) out = reduceSum(out, leadAxes, false);
  if (oneAxes.length) out = reduceSum(out, oneAxes, true);
  return out;
}
