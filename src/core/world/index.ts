// ShapesWorld: a procedural world of flat shapes on a 4x4 grid whose images can be judged from
// pixels. Scenes, their renderer and semantic image tokens, GenEval-style prompts and specs,
// captions, minimal edits, the text tokenizer and the fixed prompt sets.
export * from './vocabulary.ts';
export * from './scene.ts';
export * from './palette.ts';
export * from './render.ts';
export * from './imageTokens.ts';
export * from './relations.ts';
export * from './spec.ts';
export * from './promptText.ts';
export * from './parsePrompt.ts';
export * from './specCheck.ts';
export * from './sampleScene.ts';
export * from './describeScene.ts';
export * from './minimalEdits.ts';
export * from './textTokenizer.ts';
export * from './promptSets.ts';
