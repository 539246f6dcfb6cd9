/**
 * Jest's node environment, with the typed-array constructors of Node's own realm. onnxruntime-node
 * builds its output tensors from native-realm Float32Arrays, and onnxruntime-common then checks them
 * with `instanceof Float32Array` against the sandbox's constructor, which fails ("A float32 tensor's
 * data must be type of function Float32Array()"). Sharing the constructors makes both realms agree.
 */
const { TestEnvironment } = require('jest-environment-node');

const SHARED = [
  'ArrayBuffer',
  'SharedArrayBuffer',
  'DataView',
  'Int8Array',
  'Uint8Array',
  'Uint8ClampedArray',
  'Int16Array',
  'Uint16Array',
  'Int32Array',
  'Uint32Array',
  'Float32Array',
  'Float64Array',
  'BigInt64Array',
  'BigUint64Array',
];

class NodeRealmEnvironment extends TestEnvironment {
  constructor(config, context) {
    super(config, context);
    for (const name of SHARED) this.global[name] = globalThis[name];
  }
}

module.exports = NodeRealmEnvironment;
