/**
 * File formats: safetensors for checkpoints and tensor bundles, .npy for single arrays shared
 * with NumPy, and the atomic write they (and run folders) rely on.
 *
 * @example
 * import { saveSafetensors, loadSafetensors, saveNpy, loadNpy } from 'clab/io';
 * saveSafetensors('ckpt.safetensors', { w, b }, { step: '100' });
 * const { tensors, metadata } = loadSafetensors('ckpt.safetensors');
 * saveNpy('z.npy', z);                       // numpy.load('z.npy') in Python
 *
 * @packageDocumentation
 */
export { FileFormatError } from './errors.js';
export { writeFileAtomic, writeJsonAtomic, type AtomicSink, type AtomicWriteOptions } from './atomic.js';
export {
  saveSafetensors,
  loadSafetensors,
  encodeSafetensors,
  decodeSafetensors,
  type NamedTensors,
  type Safetensors,
  type SafetensorsDtype,
} from './safetensors.js';
export { saveNpy, loadNpy, encodeNpy, decodeNpy } from './npy.js';
