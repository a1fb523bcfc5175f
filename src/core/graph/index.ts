// The graph toolkit: build ONNX graphs, differentiate them, serialise them.
export { Graph, type Value, type Node, type Attrs } from './graph.ts';
export { inlineGraph } from './compose.ts';
export { freezeInputs } from './freeze.ts';
export { buildGradientGraph, type GradientOptions } from './autodiff.ts';
export { serializeModel, withoutOutputCopies, OPSET } from './serialize.ts';
export * as nn from './nn.ts';
export * from './ops/index.ts';
export * from './shape.ts';
