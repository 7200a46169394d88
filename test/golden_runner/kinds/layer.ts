// kind "layer": one layer's forward and backward against PyTorch (docs/golden-format.md).
// The trace names the layer by its PyTorch class and options; a factory registered under that
// name builds the descent module. The runner loads the trace's parameters and buffers, calls the
// layer, seeds backward with `upstream` (loss = Σ output·upstream) and compares the output, the
// gradients of inputs and parameters, and the buffers after the call.
import type { AnyModule } from '@descent/layers';
import { Rng, sum, tensor, type Tensor } from '@descent/tensor';
import { firstMismatch, flat } from '../compare.js';
import { registerTraceKind, type Trace } from '../runner.js';

/** One tensor of a trace: nested values and the PyTorch dtype they had. */
export interface GoldenTensor { value: unknown; dtype?: 'float64' | 'int64' | 'bool'; requiresGrad?: boolean }

/** What a factory gives the runner: the module and how to call it. */
export interface LayerUnderTest {
  module: AnyModule;
  /** Call the layer. `inputs` are float64 tensors (integer and boolean values as 0/1 floats);
   *  `callOptions` holds the trace's keyword arguments, tensors already converted. */
  forward(inputs: Tensor[], callOptions: Record<string, unknown>): Tensor;
  /** PyTorch state-dict name → descent name, where the default (camelCase of each segment) is not it. */
  names?: Record<string, string>;
  /** PyTorch names of 2-D parameters that descent stores transposed (Linear keeps `[in, out]`). */
  transposed?: string[];
}

/** Builds a float64 module from the trace's camelCase options. */
export type LayerFactory = (options: Record<string, unknown>, rng: Rng) => LayerUnderTest;

const factories = new Map<string, LayerFactory>();

/** Register the factory of a PyTorch layer class name (e.g. `Conv2d`). */
export function registerLayerFactory(torchName: string, factory: LayerFactory): void {
  factories.set(torchName, factory);
}

/** `running_mean` → `runningMean`, `out_proj.weight` → `outProj.weight`. */
export function descentName(torchName: string, names: Record<string, string> = {}): string {
  return names[torchName] ?? torchName.split('.').map((s) => s.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase())).join('.');
}

function isGoldenTensor(v: unknown): v is GoldenTensor {
  return v !== null && typeof v === 'object' && !Array.isArray(v) && 'value' in v;
}

function toTensor(g: GoldenTensor): Tensor {
  const values = flat(g.value).map((x) => (typeof x === 'boolean' ? Number(x) : x));
  const t = tensor(values, { dtype: 'float64' }).reshape(shapeOf(g.value));
  return g.requiresGrad ?? (g.dtype ?? 'float64') === 'float64' ? t.requireGrad() : t;
}

/** A parameter's nested values in descent's layout. */
function inDescentLayout(layer: LayerUnderTest, torchName: string, value: unknown): unknown {
  if (!layer.transposed?.includes(torchName)) return value;
  const rows = value as number[][];
  return rows[0]!.map((_, j) => rows.map((row) => row[j]));
}

function shapeOf(value: unknown): number[] {
  const shape: number[] = [];
  for (let v = value; Array.isArray(v); v = v[0]) shape.push(v.length);
  return shape;
}

registerTraceKind('layer', (trace: Trace) => {
  const spec = trace.layer as { name: string; options?: Record<string, unknown> };
  const factory = factories.get(spec.name);
  if (!factory) return `no factory for layer '${spec.name}'`;
  const layer = factory(spec.options ?? {}, new Rng(0));
  const { module } = layer;
  if (trace.mode === 'eval') module.eval(); else module.train();

  const named = new Map([...module.namedParameters(), ...module.namedBuffers()]);
  const state = { ...(trace.params as Record<string, unknown> ?? {}), ...(trace.buffers as Record<string, unknown> ?? {}) };
  for (const [torchName, torchValue] of Object.entries(state)) {
    const value = inDescentLayout(layer, torchName, torchValue);
    const target = named.get(descentName(torchName, layer.names));
    if (!target) return `parameter or buffer '${torchName}' (descent '${descentName(torchName, layer.names)}') not in the module`;
    const m = firstMismatch(`shape of ${torchName}`, target.shape, shapeOf(value));
    if (m) return m;
    target.assign(tensor(flat(value), { dtype: target.dtype }).reshape(target.shape));
  }

  const inputs = (trace.inputs as GoldenTensor[]).map(toTensor);
  const callOptions: Record<string, unknown> = {};
  for (const [k, v] of Object.entries((trace.callOptions as Record<string, unknown>) ?? {})) {
    callOptions[k] = isGoldenTensor(v) ? toTensor({ ...v, requiresGrad: false }) : v;
  }
  const output = layer.forward(inputs, callOptions);
  const outMismatch = firstMismatch('output', output.data(), flat(trace.output))
    ?? firstMismatch('output shape', output.shape, shapeOf(trace.output));
  if (outMismatch) return outMismatch;

  const upstream = tensor(flat(trace.upstream), { dtype: 'float64' }).reshape(output.shape);
  sum(output.mul(upstream)).backward();

  const grads = (trace.grads ?? {}) as { inputs?: Array<unknown | null>; params?: Record<string, unknown> };
  for (const [i, expected] of (grads.inputs ?? []).entries()) {
    if (expected === null) continue;
    const g = inputs[i]?.grad;
    if (!g) return `grad of input ${i}: none computed`;
    const m = firstMismatch(`grad of input ${i}`, g.data(), flat(expected));
    if (m) return m;
  }
  for (const [torchName, expected] of Object.entries(grads.params ?? {})) {
    const g = named.get(descentName(torchName, layer.names))?.grad;
    if (!g) return `grad of ${torchName}: none computed`;
    const m = firstMismatch(`grad of ${torchName}`, g.data(), flat(inDescentLayout(layer, torchName, expected)));
    if (m) return m;
  }
  for (const [torchName, expected] of Object.entries((trace.buffersAfter as Record<string, unknown>) ?? {})) {
    const b = named.get(descentName(torchName, layer.names));
    if (!b) return `buffer ${torchName} not in the module`;
    const m = firstMismatch(`buffer ${torchName} after the call`, b.data(), flat(expected));
    if (m) return m;
  }
  return null;
});
