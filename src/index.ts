/**
 * pruneproof as a library: `import { … } from 'pruneproof'`. The guide is docs/GUIDE.md.
 *
 * - Top level: checking a pruner (`checkPruner`, `assertPrunerConforms`, the `Pruner` types), the fast-check
 *   `arbitraries`, and `verify` / `fit`, the `verify` and `fit` commands as functions; `initBackend` and `tf`
 *   (the tfjs instance a `PruneInput`'s tensors belong to).
 * - Namespaces for the parts: `data`, `model`, `kernel`, `pruners`, `theory`, `scaling`.
 *
 * Every name here is documented where it is defined; `npm test` fails when one is not (spec/index.test.ts),
 * and etc/pruneproof.api.md lists them all.
 */

export { initBackend } from './backend';
export { tf } from './backend/tf';

export { checkPruner, assertPrunerConforms } from './properties/pruner-check';
export type { CheckPrunerOptions, PrunerCheckResult } from './properties/pruner-check';
export type { Pruner, PruneInput, PruneResult, NeuronFeatures } from './pruning/types';

export * as arbitraries from './public/arbitraries';

export { verify, fit } from './public/verify';
export type { VerifyOptions, FitInput } from './public/verify';
export type { ExperimentConfig } from './experiment/config';
export type { ReportDocument } from './report/types';

export * as data from './public/data';
export * as model from './public/model';
export * as kernel from './public/kernel';
export * as pruners from './public/pruners';
export * as theory from './public/theory';
export * as scaling from './public/scaling';
