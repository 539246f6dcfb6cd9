/** Worker of bench/engine.ts's thread split: one 1-thread onnx session, reports its median ms per GD step. */
import { parentPort, workerData } from 'node:worker_threads';
import { createOnnxEngine } from '../src/engine';
import { msPerStep, type KernelShape } from './engine';
import type { Parameterisation } from '../src/model/types';

async function main(): Promise<void> {
  const { p, shape, steps } = workerData as { p: Parameterisation; shape: Required<KernelShape>; steps: number };
  const engine = await createOnnxEngine({ threads: 1 });
  const ms = await msPerStep(engine, p, shape, steps, 3);
  await engine.dispose();
  parentPort?.postMessage(ms);
}

void main();
