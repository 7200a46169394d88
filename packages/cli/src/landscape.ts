/**
 * 2-D test functions (Rosenbrock, a saddle), optimizer trajectories on them and contour lines of
 * them — all computed with descent itself on float64 tensors: the function is written once over
 * tensors, evaluated on a grid for the contours and differentiated by autodiff for the steps.
 * @module
 */
import { noGrad, sub, tensor, type Tensor } from '@descent/tensor';
import { createOptimizer } from '@descent/optim';

/** A 2-D function as tensor ops: elementwise in `x` and `y` (same shapes), so it runs on a grid
 * or on one point.
 * @example
 * ```ts
 * const bowl: Surface2d = (x, y) => x.square().add(y.square());
 * ```
 */
export type Surface2d = (x: Tensor, y: Tensor) => Tensor;

/** A named test function with the window, start point and contour levels the report draws.
 * @example
 * ```ts
 * const p: TestFunction = ROSENBROCK;
 * p.f(tensor([1], { dtype: 'float64' }), tensor([1], { dtype: 'float64' })).item(); // 0
 * ```
 */
export interface TestFunction {
  /** Short name (`'rosenbrock'`). */
  readonly name: string;
  /** Formula as text, for titles. */
  readonly formula: string;
  /** The function. */
  readonly f: Surface2d;
  /** Plot window `[xmin, xmax]`, `[ymin, ymax]`. */
  readonly xRange: readonly [number, number];
  /** Plot window in y. */
  readonly yRange: readonly [number, number];
  /** Where every optimizer starts. */
  readonly start: readonly [number, number];
  /** The minimum (or minima) to mark. */
  readonly minima: ReadonlyArray<readonly [number, number]>;
  /** Contour levels. */
  readonly levels: readonly number[];
  /** Steps each optimizer takes. */
  readonly steps: number;
  /** Learning rate per optimizer name (a fallback `default` applies to others). */
  readonly lrs: Readonly<Record<string, number>>;
}

/** Rosenbrock's banana `(1 − x)² + 100 (y − x²)²`, minimum 0 at (1, 1).
 * @example
 * ```ts
 * rosenbrock(tensor([1]), tensor([1])).item(); // 0
 * ```
 */
export const rosenbrock: Surface2d = (x, y) => sub(1, x).square().add(y.sub(x.square()).square().mul(100));

/** A saddle with two valleys, `x² − y² + y⁴/4`: a saddle point at the origin and minima −1 at
 * (0, ±√2). Started on the saddle's stable axis (y ≈ 0), an optimizer must escape sideways.
 * @example
 * ```ts
 * saddle(tensor([0]), tensor([Math.SQRT2])).item(); // -1
 * ```
 */
export const saddle: Surface2d = (x, y) => x.square().sub(y.square()).add(y.square().square().mul(0.25));

const LOG_LEVELS = [1, 4, 16, 64, 256, 1024];

/** The Rosenbrock problem the report draws: from (−1.5, 2.5), 1000 steps, each optimizer at the
 * learning rate that reached the lowest final value in a sweep over 1e-4 … 2 (1, 2, 5 per decade)
 * without diverging — except SGD, SGDM and NAG, taken one notch lower, below the edge of
 * stability where their paths jump out of the valley.
 * @example
 * ```ts
 * ROSENBROCK.start; // [-1.5, 2.5]
 * ```
 */
export const ROSENBROCK: TestFunction = {
  name: 'rosenbrock',
  formula: 'f(x, y) = (1 − x)² + 100 (y − x²)²',
  f: rosenbrock,
  xRange: [-2, 2],
  /** Plot window in y. */
  yRange: [-1, 3],
  start: [-1.5, 2.5],
  minima: [[1, 1]],
  levels: [...LOG_LEVELS, 2048],
  steps: 1000,
  lrs: {
    sgd: 1e-3, sgdm: 5e-4, nag: 5e-4, adagrad: 0.1, rmsprop: 0.01, adam: 0.1, amsgrad: 0.1, adamw: 0.1,
    adabound: 5e-4, lookahead: 0.1, nadam: 0.02, radam: 1e-3, default: 0.01,
  },
};

/** The saddle problem the report draws: from (1.8, 0.001), almost on the saddle's stable axis,
 * 150 steps: plain SGD slides into the saddle point and leaves it slowly; adaptive methods,
 * which rescale each coordinate, head for a minimum at once.
 * @example
 * ```ts
 * SADDLE.minima; // [[0, -1.414…], [0, 1.414…]]
 * ```
 */
export const SADDLE: TestFunction = {
  name: 'saddle',
  formula: 'f(x, y) = x² − y² + y⁴/4',
  f: saddle,
  xRange: [-2, 2],
  /** Plot window in y. */
  yRange: [-2, 2],
  start: [1.8, 1e-3],
  minima: [[0, -Math.SQRT2], [0, Math.SQRT2]],
  levels: [-0.9, -0.6, -0.3, 0, 0.5, 1, 2, 3, 4],
  steps: 150,
  lrs: {
    sgd: 0.02, sgdm: 0.005, nag: 0.005, adagrad: 0.2, rmsprop: 0.02, adam: 0.05, amsgrad: 0.05, adamw: 0.05,
    adabound: 0.05, lookahead: 0.05, nadam: 0.05, radam: 0.05, default: 0.02,
  },
};

/** Beale's function `(1.5 − x + xy)² + (2.25 − x + xy²)² + (2.625 − x + xy³)²`, minimum 0 at (3, 0.5):
 * flat plateaus and steep walls.
 * @example
 * ```ts
 * beale(tensor([3]), tensor([0.5])).item(); // 0
 * ```
 */
export const beale: Surface2d = (x, y) => {
  const term = (c: number, yPower: Tensor) => sub(c, x).add(x.mul(yPower)).square();
  return term(1.5, y).add(term(2.25, y.square())).add(term(2.625, y.square().mul(y)));
};

/** The Beale problem: from (1, 1.5) on the plateau, 500 steps, minimum at (3, 0.5).
 * @example
 * ```ts
 * BEALE.minima; // [[3, 0.5]]
 * ```
 */
export const BEALE: TestFunction = {
  name: 'beale',
  formula: 'f(x, y) = (1.5 − x + xy)² + (2.25 − x + xy²)² + (2.625 − x + xy³)²',
  f: beale,
  xRange: [-1, 4.5],
  /** Plot window in y. */
  yRange: [-1.5, 2],
  start: [1, 1.5],
  minima: [[3, 0.5]],
  levels: [0.5, 2, 8, 32, 128, 512],
  steps: 500,
  lrs: { default: 0.01 },
};

/** One optimizer's path: the points visited (the start first) and the function values there.
 * @example
 * ```ts
 * const t: Trajectory = trajectory(ROSENBROCK, 'adam');
 * t.points.at(-1); // near [1, 1]
 * ```
 */
export interface Trajectory {
  /** The optimizer's registered name. */
  readonly optimizer: string;
  /** The learning rate it ran at. */
  readonly lr: number;
  /** Points visited, the start first. */
  readonly points: Array<[number, number]>;
  /** f at each point. */
  readonly values: number[];
}

/**
 * Run one optimizer on a test function from its start point: a float64 parameter `[x, y]`,
 * `f` by tensor ops, the gradient by `backward()`, the step by the registered optimizer. Stops
 * early when the point leaves the window by more than its width (diverged) or is not finite.
 * @param options `lr` overrides the function's per-optimizer rate; `optimizerOptions` are passed on; `start` overrides the function's start.
 * @example
 * ```ts
 * const path = trajectory(SADDLE, 'sgdm', { steps: 100 });
 * ```
 */
export function trajectory(fn: TestFunction, optimizer: string, options: { lr?: number; steps?: number; optimizerOptions?: Record<string, unknown>; start?: readonly [number, number] } = {}): Trajectory {
  const lr = options.lr ?? fn.lrs[optimizer] ?? fn.lrs.default ?? 0.01;
  const steps = options.steps ?? fn.steps;
  const start = options.start ?? fn.start;
  const p = tensor([start[0], start[1]], { dtype: 'float64' }).requireGrad();
  const extra = optimizer === 'lookahead' ? { inner: { name: 'adam', options: { lr } } } : {};
  const opt = createOptimizer(optimizer, [p], { ...extra, ...(options.optimizerOptions ?? {}), lr });
  const points: Array<[number, number]> = [];
  const values: number[] = [];
  const [x0, x1] = fn.xRange, [y0, y1] = fn.yRange;
  const w = x1 - x0, h = y1 - y0;
  for (let t = 0; t <= steps; t++) {
    const b = p.buffer();
    const px = b[0]!, py = b[1]!;
    if (!Number.isFinite(px) || !Number.isFinite(py)) break;
    points.push([px, py]);
    const value = fn.f(p.slice([0], [1]), p.slice([1], [1])).sum();
    values.push(value.item());
    if (t === steps || px < x0 - w || px > x1 + w || py < y0 - h || py > y1 + h) break;
    opt.zeroGrad();
    value.backward();
    opt.step();
  }
  return { optimizer, lr, points, values };
}

/** Function values on a regular grid: `z[j][i] = f(xs[i], ys[j])`.
 * @example
 * ```ts
 * const g = evaluateGrid(saddle, [-2, 2], [-2, 2], 81, 81);
 * g.z.length; // 81
 * ```
 */
export interface Grid {
  /** Grid x coordinates (columns). */
  readonly xs: number[];
  /** Grid y coordinates (rows). */
  readonly ys: number[];
  /** Values, row j and column i: f(xs[i], ys[j]). */
  readonly z: number[][];
}

/**
 * Evaluate `f` on an `nx × ny` grid over the window in one call, as float64 tensors of shape `[ny, nx]`.
 * @example
 * ```ts
 * const g = evaluateGrid(rosenbrock, [-2, 2], [-1, 3], 120, 120);
 * ```
 */
export function evaluateGrid(f: Surface2d, xRange: readonly [number, number], yRange: readonly [number, number], nx: number, ny: number): Grid {
  const xs = Array.from({ length: nx }, (_, i) => xRange[0] + ((xRange[1] - xRange[0]) * i) / (nx - 1));
  const ys = Array.from({ length: ny }, (_, j) => yRange[0] + ((yRange[1] - yRange[0]) * j) / (ny - 1));
  const gx = new Float64Array(nx * ny), gy = new Float64Array(nx * ny);
  for (let j = 0; j < ny; j++) for (let i = 0; i < nx; i++) { gx[j * nx + i] = xs[i]!; gy[j * nx + i] = ys[j]!; }
  const values = noGrad(() => f(tensor(gx, { shape: [ny, nx] }), tensor(gy, { shape: [ny, nx] })).buffer());
  const z = Array.from({ length: ny }, (_, j) => Array.from(values.subarray(j * nx, (j + 1) * nx)));
  return { xs, ys, z };
}

/** A contour line: a polyline at one level, in data coordinates (closed when first = last).
 * @example
 * ```ts
 * const line: ContourLine = { level: 1, points: [[0, 1], [0.1, 1], [0.2, 0.99]] };
 * ```
 */
export interface ContourLine {
  /** The value of f along the line. */
  readonly level: number;
  /** The polyline's points (x, y). */
  readonly points: Array<[number, number]>;
}

/**
 * Contour lines by marching squares: for each level and grid cell, the segments where the
 * bilinear surface crosses the level (ambiguous cells resolved by the cell's mean value), joined
 * into polylines through the grid edges they share.
 * @example
 * ```ts
 * const lines = contourLines(evaluateGrid(saddle, [-2, 2], [-2, 2], 81, 81), [0, 1]);
 * ```
 */
export function contourLines(grid: Grid, levels: readonly number[]): ContourLine[] {
  const { xs, ys, z } = grid;
  const out: ContourLine[] = [];
  for (const level of levels) {
    // a crossing is keyed by its grid edge: 'h i j' from (i,j) to (i+1,j), 'v i j' from (i,j) to (i,j+1)
    const where = new Map<string, [number, number]>();
    const crossing = (kind: 'h' | 'v', i: number, j: number): string | null => {
      const a = z[j]![i]!, b = kind === 'h' ? z[j]![i + 1]! : z[j + 1]![i]!;
      if ((a < level) === (b < level)) return null;
      const key = `${kind} ${i} ${j}`;
      if (!where.has(key)) {
        const t = (level - a) / (b - a);
        where.set(key, kind === 'h' ? [xs[i]! + t * (xs[i + 1]! - xs[i]!), ys[j]!] : [xs[i]!, ys[j]! + t * (ys[j + 1]! - ys[j]!)]);
      }
      return key;
    };
    const links = new Map<string, string[]>();
    const link = (a: string, b: string) => {
      (links.get(a) ?? links.set(a, []).get(a)!).push(b);
      (links.get(b) ?? links.set(b, []).get(b)!).push(a);
    };
    for (let j = 0; j + 1 < ys.length; j++) {
      for (let i = 0; i + 1 < xs.length; i++) {
        // edges counter-clockwise: bottom, right, top, left
        const e = [crossing('h', i, j), crossing('v', i + 1, j), crossing('h', i, j + 1), crossing('v', i, j)];
        const hit = e.filter((k): k is string => k !== null);
        if (hit.length === 2) link(hit[0]!, hit[1]!);
        else if (hit.length === 4) {
          const v0 = z[j]![i]!, centre = (v0 + z[j]![i + 1]! + z[j + 1]![i + 1]! + z[j + 1]![i]!) / 4;
          if ((centre < level) === (v0 < level)) { link(e[0]!, e[1]!); link(e[2]!, e[3]!); } else { link(e[3]!, e[0]!); link(e[1]!, e[2]!); }
        }
      }
    }
    // walk the chains: open ones from their ends first, then the closed loops
    const used = new Set<string>();
    const walk = (from: string) => {
      const keys = [from];
      used.add(from);
      let cur = from;
      for (;;) {
        const next = (links.get(cur) ?? []).find((k) => !used.has(k));
        if (next === undefined) break;
        used.add(next);
        keys.push(next);
        cur = next;
      }
      if ((links.get(cur) ?? []).includes(from) && keys.length > 2) keys.push(from);
      out.push({ level, points: keys.map((k) => where.get(k)!) });
    };
    for (const [k, ns] of links) if (ns.length === 1 && !used.has(k)) walk(k);
    for (const k of links.keys()) if (!used.has(k)) walk(k);
  }
  return out;
}

/** Keep the points of a path that moved at least `minDistance` from the last kept one (the first
 * and last always), so long paths stay small in SVG.
 * @example
 * ```ts
 * thinPath([[0, 0], [0.001, 0], [1, 1]], 0.01); // [[0, 0], [1, 1]]
 * ```
 */
export function thinPath(points: ReadonlyArray<readonly [number, number]>, minDistance: number): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (let i = 0; i < points.length; i++) {
    const p = points[i]!;
    const last = out[out.length - 1];
    if (!last || i === points.length - 1 || Math.hypot(p[0] - last[0], p[1] - last[1]) >= minDistance) out.push([p[0], p[1]]);
  }
  return out;
}
