// The Janus family behind the ModelFamily interface: generation and intrinsic-reward scoring on
// the MultiModality ONNX graphs. No training (the project cannot build Janus' training graphs).
// Occlusion maps cost one understanding pass per block (occlusion.ts), so the block is the caller's.
import { AbortError } from '../../errors.ts';
import type { FamilyScore, GenerateRequest, ModelFamily, OcclusionRequest, ScoreRequest } from '../family.ts';
import { generateImages } from './generate.ts';
import type { JanusModel } from './load.ts';
import { occlusionMaps } from './occlusion.ts';
import { scoreImage } from './score.ts';

export function janusFamily(model: JanusModel): ModelFamily {
  const { cfg, files } = model;
  const dtypes = [...new Set(Object.values(files).map((f) => f.dtype))];
  return {
    id: 'janus',
    description: `Janus (multi_modality ONNX, ${dtypes.length === 1 ? dtypes[0] : `language_model ${files.language_model.dtype}`}) from ${model.folder.location}`,
    capabilities: {
      generate: true,
      score: true,
      train: false,
      occlusionMaps: true,
      guidance: true,
      freeText: true,
      imageTokens: { rows: cfg.genGrid, cols: cfg.genGrid },
      imageVocab: cfg.imageVocab,
      understandingSize: cfg.imageSize,
    },
    generate: (req: GenerateRequest) => generateImages(model, req.prompt, req),
    async score(req: ScoreRequest): Promise<FamilyScore[]> {
      const out: FamilyScore[] = [];
      for (const [i, image] of req.images.entries()) {
        if (req.signal?.aborted) throw new AbortError(`scoring aborted after ${i} of ${req.images.length} images`);
        const s = await scoreImage(model, req.prompt, image, req);
        out.push({
          reward: s.reward,
          words: s.words.map((w) => ({ word: w.word, p: w.p })),
          tokens: s.tokens.map((t) => ({ word: t.word, p: t.p })),
          lowest: { word: s.lowestWord.word, p: s.lowestWord.p },
        });
      }
      return out;
    },
    occlusionMaps: (req: OcclusionRequest) => occlusionMaps(model, req.prompt, req.image, req),
    release: () => model.release(),
  };
}
