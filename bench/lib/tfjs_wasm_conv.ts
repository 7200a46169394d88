// tfjs-backend-wasm 4.22 has no Conv2DBackpropFilter kernel, so a tfjs-wasm model cannot train a
// conv layer out of the box. This registers one for the bench that runs the wasm backend's own
// Conv3DBackpropFilterV2 kernel on depth-1 views (reshapes share storage), so the weight gradient
// is still computed in tfjs's wasm code.
import type { Tf } from './tfjs.js';

interface Info { dataId: object; shape: number[]; dtype: string }
interface WasmBackend { disposeData(dataId: object): boolean }
type KernelFunc = (args: { inputs: Record<string, Info>; backend: WasmBackend; attrs: Record<string, unknown> }) => Info;

/** Register Conv2DBackpropFilter for 'wasm' once (NHWC, dilation 1 as tfjs's own gradient asks). */
export function registerWasmConv2dFilterGrad(tf: Tf): void {
  if (tf.getKernel('Conv2DBackpropFilter', 'wasm')) return;
  const reshape = tf.getKernel('Reshape', 'wasm')!.kernelFunc as unknown as KernelFunc;
  const conv3dFilter = tf.getKernel('Conv3DBackpropFilterV2', 'wasm')!.kernelFunc as unknown as KernelFunc;
  tf.registerKernel({
    kernelName: 'Conv2DBackpropFilter',
    backendName: 'wasm',
    kernelFunc: ((({ inputs, backend, attrs }) => {
      const { x, dy } = inputs as { x: Info; dy: Info };
      const { strides, pad, filterShape } = attrs as { strides: number | [number, number]; pad: unknown; filterShape: number[] };
      const [sh, sw] = typeof strides === 'number' ? [strides, strides] : strides;
      const as5 = (t: Info) => reshape({ inputs: { x: t }, backend, attrs: { shape: [t.shape[0], 1, ...t.shape.slice(1)] } });
      const x5 = as5(x), dy5 = as5(dy);
      const dw5 = conv3dFilter({ inputs: { x: x5, dy: dy5 }, backend, attrs: { strides: [1, sh, sw], pad, filterShape: [1, ...filterShape] } });
      const dw = reshape({ inputs: { x: dw5 }, backend, attrs: { shape: filterShape } });
      for (const t of [x5, dy5, dw5]) backend.disposeData(t.dataId);
      return dw;
    }) as KernelFunc) as never,
  });
}
