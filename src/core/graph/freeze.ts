// Freeze graph inputs into initializers: weights that a session never sees change (the base model
// under a LoRA adapter) are stored in the model instead of fed at every call. ORT then skips their
// per-call feed and can pre-pack them for its MatMul kernels, which a decode step of a few hundred
// tiny ops notices (docs/benchmarks.md, "Frozen weights").
import type { TensorData } from '../tensor.ts';
import type { Graph } from './graph.ts';
import { subgraphReads } from './ops/control.ts';

/**
 * A copy of `graph` where every input named in `values` is an initializer holding that tensor.
 * Inputs no node reads are dropped rather than stored. A tensor whose dtype or fixed dims differ
 * from the input's declaration is refused by name.
 */
export function freezeInputs(graph: Graph, values: Readonly<Record<string, TensorData>>): Graph {
  const used = new Set(graph.nodes.flatMap((n) => [...n.inputs, ...subgraphReads(n.attrs)]).concat(graph.outputs));
  const g = graph.clone();
  g.inputs.length = 0;
  for (const name of graph.inputs) {
    const t = values[name];
    if (!t) {
      g.inputs.push(name);
      continue;
    }
    const v = graph.value(name);
    const fits = t.dtype === v.dtype && t.dims.length === v.shape.length && v.shape.every((d, i) => typeof d !== 'number' || d === t.dims[i]);
    if (!fits) {
      throw new Error(`freezeInputs ${graph.name}: ${name} is ${t.dtype}[${t.dims.join(', ')}], the input wants ${v.dtype}[${v.shape.join(', ')}]`);
    }
    if (used.has(name)) g.initializers.set(name, t);
    else g.values.delete(name);
  }
  return g;
}
