// Sub-graph composition: inline one graph into another, binding its inputs to values there.
// Lets a model be assembled from separately built pieces (and tests reuse fixtures).
import type { Graph, Value } from './graph.ts';

/**
 * Append `sub`'s nodes to `into`, with `sub`'s inputs bound to `bindings` (by input name) and its
 * initializers copied under `prefix`. Returns `sub`'s outputs by name.
 */
export function inlineGraph(into: Graph, sub: Graph, bindings: Readonly<Record<string, Value>>, prefix = `${sub.name}/`): Record<string, Value> {
  const missing = sub.inputs.filter((n) => !(n in bindings));
  if (missing.length) throw new Error(`inlineGraph ${sub.name}: unbound inputs ${missing.join(', ')}`);
  const map = new Map<string, Value>(Object.entries(bindings));
  for (const [name, t] of sub.initializers) map.set(name, into.init(`${prefix}${name}`, t));
  for (const n of sub.nodes) {
    const outs = into.node(n.op, n.inputs.map((i) => (i ? map.get(i)! : null)), n.attrs, n.outputs.length);
    n.outputs.forEach((o, i) => map.set(o, outs[i]));
  }
  return Object.fromEntries(sub.outputs.map((o) => [o, map.get(o)!]));
}
