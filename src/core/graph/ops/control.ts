// Control flow: ONNX Loop, forward only. A whole autoregressive decode runs as one Loop, so a
// group of images costs one session call instead of one per token (docs/benchmarks.md, issue 15).
import { type Attrs, Graph, type Value } from '../graph.ts';
import { type Shape, fmtShape, unknownDim } from '../shape.ts';
import type { OpSpec } from './spec.ts';

export interface LoopBody {
  readonly carried: readonly Value[]; // the next iteration's carried values, in the order given
  readonly scans: readonly Value[]; // per-iteration outputs, stacked along a new first axis
}

/**
 * Run `buildBody` `trips` times. The body is its own Graph: `iter` (int64 scalar, 0-based) and the
 * carried values come in; outer values are read through `body.outer(v)`. `shapes` declares the
 * carried inputs' shapes where they change between iterations (a growing KV cache); by default
 * each keeps its initial shape. Returns the carried values after the last trip and the scans
 * ([trips, ...] each).
 */
export function loop(
  trips: number,
  initial: readonly Value[],
  buildBody: (body: Graph, iter: Value, carried: Value[]) => LoopBody,
  shapes: readonly (Shape | undefined)[] = [],
): { final: Value[]; scans: Value[] } {
  if (initial.length === 0) throw new Error('loop: needs at least one carried value');
  const g = initial[0].graph;
  const scope = `${g.scope}loop${g.nodes.length}/`; // names unique across the body and the graphs around it
  const body = new Graph(`${g.name}/${scope.slice(0, -1)}`, scope);
  const iter = body.input(`${scope}iter`, 'int64', []);
  body.input(`${scope}cond_in`, 'bool', []);
  const carried = initial.map((v, k) => body.input(`${scope}carried_in_${k}`, v.dtype, shapes[k] ?? v.shape));
  const out = buildBody(body, iter, carried);
  if (out.carried.length !== initial.length) throw new Error(`loop: the body returned ${out.carried.length} carried values for ${initial.length}`);
  out.carried.forEach((v, k) => {
    if (v.dtype !== initial[k].dtype) throw new Error(`loop: carried value ${k} is ${initial[k].dtype} in, ${v.dtype} out`);
  });
  // Outer values declared but never read (a whole parameter record passed in) are not referenced.
  const read = new Set(body.nodes.flatMap((n) => [...n.inputs, ...subgraphReads(n.attrs)]).concat(body.outputs));
  const unread = body.outerNames.filter((name) => !read.has(name));
  for (const name of unread) body.values.delete(name);
  body.outerNames.splice(0, body.outerNames.length, ...body.outerNames.filter((name) => read.has(name)));
  body.output(body.const('bool', 1), `${scope}cond_out`);
  out.carried.forEach((v, k) => body.output(v, `${scope}carried_out_${k}`));
  out.scans.forEach((v, k) => body.output(v, `${scope}scan_out_${k}`));
  const results = g.node('Loop', [g.const('int64', trips), null, ...initial], { body }, initial.length + out.scans.length);
  return { final: results.slice(0, initial.length), scans: results.slice(initial.length) };
}

/** Names a node's subgraphs (a Loop body) read from the graphs around them. */
export function subgraphReads(attrs: Attrs): string[] {
  return Object.values(attrs).flatMap((a) => (a instanceof Graph ? a.outerNames : []));
}

export const controlOps: Record<string, OpSpec> = {
  // No gradient rule: sampling is never differentiated, and autodiff names the op if asked to.
  Loop: {
    infer: (ctx) => {
      const body = ctx.attrs.body;
      if (!(body instanceof Graph)) throw new Error(`Loop ${ctx.name}: attribute body must be a Graph`);
      const initial = ctx.inputs.slice(2);
      const nCarried = initial.length;
      if (body.inputs.length !== 2 + nCarried) {
        throw new Error(`Loop ${ctx.name}: body takes ${body.inputs.length - 2} carried values, ${nCarried} given`);
      }
      const outs = body.outputs.map((n) => body.value(n));
      const carried = outs.slice(1, 1 + nCarried).map((v, k) => {
        const init = initial[k]!;
        // A dim that the body may change (its declared input dim is not the initial one) is unknown after the loop.
        const declared = body.value(body.inputs[2 + k]).shape;
        const shape = init.shape.map((d, j) => (declared[j] === d ? d : unknownDim()));
        if (shape.length !== v.shape.length) throw new Error(`Loop ${ctx.name}: carried value ${k} changes rank, ${fmtShape(init.shape)} -> ${fmtShape(v.shape)}`);
        return { dtype: v.dtype, shape };
      });
      const trips = ctx.graph.constantInts(ctx.inputs[0]);
      const scans = outs.slice(1 + nCarried).map((v) => ({ dtype: v.dtype, shape: [trips ? trips[0] : unknownDim(), ...v.shape] }));
      return [...carried, ...scans];
    },
  },
};
