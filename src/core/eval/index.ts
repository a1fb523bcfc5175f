// ShapesEval: a weight-free pixel judge for ShapesWorld images under GenEval's rules.
export * from './classifyShape.ts';
export * from './detectObjects.ts';
export * from './judge.ts';
export * from './scorePromptSet.ts';
