/**
 * Stopping a run between engine calls. An ONNX Runtime call in flight must never be cut off (terminating its
 * thread or exiting the process then crashes natively), so a stop request is only noted, and the run throws
 * RunStopped at its next safe point: before an engine call, or at a step the engine reports between its calls.
 */
import type { Engine } from '../engine/types';

/** Thrown inside a run that was asked to stop; the run's partial work is discarded. */
export class RunStopped extends Error {
  override name = 'RunStopped';
  constructor() {
    super('the run was stopped between engine calls');
  }
}

/**
 * `engine` with a stop check before each of its calls and at each step and checkpoint it reports during
 * `train`; `stopped()` says whether a stop was requested.
 */
export function stoppableEngine(engine: Engine, stopped: () => boolean): Engine {
  const check = () => {
    if (stopped()) throw new RunStopped();
  };
  const wrapped: Engine = {
    description: engine.description,
    train: async (initial, data, opts) => {
      check();
      return engine.train(initial, data, {
        ...opts,
        onProgress: (done, total) => {
          check();
          opts.onProgress?.(done, total);
        },
        onCheckpoint: (checkpoint) => {
          check();
          opts.onCheckpoint?.(checkpoint);
        },
      });
    },
    stability: async (initial, data, opts) => {
      check();
      return engine.stability(initial, data, opts);
    },
    featureGram: async (weights, data) => {
      check();
      return engine.featureGram(weights, data);
    },
    dispose: () => engine.dispose(),
  };
  if (engine.hullProducts) {
    const hullProducts = engine.hullProducts.bind(engine);
    wrapped.hullProducts = async (features, targets) => {
      check();
      return hullProducts(features, targets);
    };
  }
  return wrapped;
}
