// A typed ONNX graph under construction: values with dtypes and symbolic shapes, nodes in
// topological order (append-only), initializers, inputs and outputs. Ops live in ./ops; this file
// only keeps the bookkeeping, so a graph reads as the list of its nodes.
import { type DType, type TensorData, tensor, toNumbers } from '../tensor.ts';
import { type Shape, fmtShape } from './shape.ts';
import { OPS } from './ops/index.ts';

export interface Value {
  readonly graph: Graph;
  readonly name: string;
  readonly dtype: DType;
  readonly shape: Shape;
}

export type AttrValue = number | readonly number[] | string | TensorData | Graph; // a Graph: a Loop's body
export type Attrs = Readonly<Record<string, AttrValue>>;

export interface Node {
  readonly op: string;
  readonly name: string;
  readonly inputs: readonly string[]; // '' marks an omitted optional input
  readonly outputs: readonly string[];
  readonly attrs: Attrs;
}

export class Graph {
  readonly values = new Map<string, Value>();
  readonly initializers = new Map<string, TensorData>();
  readonly nodes: Node[] = [];
  readonly inputs: string[] = [];
  readonly outputs: string[] = [];
  /** Values this graph reads from the graph enclosing it (a Loop body reads the weights so). */
  readonly outerNames: string[] = [];
  private counter = 0;
  private readonly scalarCache = new Map<string, Value>();

  /** `scope` prefixes every generated name: a subgraph's names must differ from its outer graph's (ONNX SSA). */
  constructor(readonly name: string, readonly scope = '') {}

  /** A graph input; string dims are named dynamic dims ('B', 'T'). */
  input(name: string, dtype: DType, shape: Shape): Value {
    this.inputs.push(name);
    return this.define(name, dtype, shape);
  }

  /**
   * A value of the enclosing graph, used here by its name (ONNX outer scope): inside a subgraph,
   * nodes may only take values of the subgraph itself, so each outer value is declared once.
   */
  outer(v: Value): Value {
    if (v.graph === this) throw new Error(`outer: ${v.name} already belongs to graph ${this.name}`);
    if (this.values.has(v.name)) return this.value(v.name);
    this.outerNames.push(v.name);
    return this.define(v.name, v.dtype, v.shape);
  }

  /** An initializer: a weight or a constant stored in the model. */
  init(name: string, t: TensorData): Value {
    this.initializers.set(name, t);
    return this.define(name, t.dtype, t.dims);
  }

  /** An anonymous constant; scalars of the same dtype and value are shared. */
  const(dtype: DType, values: number | readonly number[], dims?: readonly number[]): Value {
    const arr = typeof values === 'number' ? [values] : values;
    const shape = dims ?? (typeof values === 'number' ? [] : [arr.length]);
    const key = typeof values === 'number' && !dims ? `${dtype}:${values}` : '';
    const hit = key ? this.scalarCache.get(key) : undefined;
    if (hit) return hit;
    const v = this.init(this.fresh('const'), tensor(dtype, shape, arr));
    if (key) this.scalarCache.set(key, v);
    return v;
  }

  /** Append one node; output dtypes and shapes come from the op's infer rule. */
  node(op: string, inputs: readonly (Value | null)[], attrs: Attrs = {}, nOut = 1): Value[] {
    const spec = OPS[op];
    if (!spec) throw new Error(`unknown op ${op} (known: ${Object.keys(OPS).sort().join(', ')})`);
    for (const v of inputs) {
      if (v && v.graph !== this) throw new Error(`${op}: input ${v.name} belongs to graph ${v.graph.name}, not ${this.name}`);
    }
    const name = this.fresh(op);
    const infos = spec.infer({ op, name, inputs, attrs, graph: this });
    if (infos.length < nOut) throw new Error(`${op}: infer gave ${infos.length} outputs, ${nOut} requested`);
    const outputs = infos.slice(0, nOut).map((info, i) => this.define(`${name}_out${i}`, info.dtype, info.shape));
    this.nodes.push({ op, name, inputs: inputs.map((v) => v?.name ?? ''), outputs: outputs.map((v) => v.name), attrs });
    return outputs;
  }

  /** Mark a value as a graph output, renamed through Identity when a name is given. */
  output(v: Value, name?: string): Value {
    let out = v;
    if (name && name !== v.name) {
      if (this.values.has(name)) throw new Error(`output name ${name} is already used in graph ${this.name}`);
      out = this.node('Identity', [v])[0];
      this.rename(out.name, name);
      out = this.value(name);
    }
    this.outputs.push(out.name);
    return out;
  }

  value(name: string): Value {
    const v = this.values.get(name);
    if (!v) throw new Error(`graph ${this.name} has no value named ${name}`);
    return v;
  }

  /** Integer contents of a constant initializer, or undefined when it is not a constant. */
  constantInts(v: Value | null): number[] | undefined {
    const t = v ? this.initializers.get(v.name) : undefined;
    return t ? toNumbers(t) : undefined;
  }

  /** Override the inferred shape of a value (used when the builder knows better, e.g. reshapeLike). */
  setShape(v: Value, shape: Shape): Value {
    if (shape.length !== v.shape.length && v.shape.some((d) => typeof d === 'number' || !d.startsWith('?'))) {
      throw new Error(`setShape ${v.name}: rank of ${fmtShape(shape)} differs from ${fmtShape(v.shape)}`);
    }
    const nv: Value = { ...v, shape: [...shape] };
    this.values.set(v.name, nv);
    return nv;
  }

  fresh(prefix: string): string {
    let n: string;
    do n = `${this.scope}${prefix}_${++this.counter}`;
    while (this.values.has(n));
    return n;
  }

  /** A deep-enough copy: new values bound to the copy, shared immutable tensors and nodes. */
  clone(name = this.name): Graph {
    const g = new Graph(name, this.scope);
    for (const [k, v] of this.values) g.values.set(k, { ...v, graph: g });
    for (const [k, t] of this.initializers) g.initializers.set(k, t);
    g.nodes.push(...this.nodes);
    g.inputs.push(...this.inputs);
    g.outputs.push(...this.outputs);
    g.outerNames.push(...this.outerNames);
    g.counter = this.counter;
    return g;
  }

  private define(name: string, dtype: DType, shape: Shape): Value {
    if (this.values.has(name)) throw new Error(`graph ${this.name} already has a value named ${name}`);
    const v: Value = { graph: this, name, dtype, shape: [...shape] };
    this.values.set(name, v);
    return v;
  }

  private rename(from: string, to: string): void {
    const v = this.value(from);
    this.values.delete(from);
    this.values.set(to, { ...v, name: to });
    const i = this.nodes.findIndex((n) => n.outputs.includes(from));
    const n = this.nodes[i];
    this.nodes[i] = { ...n, outputs: n.outputs.map((o) => (o === from ? to : o)) };
  }
}
