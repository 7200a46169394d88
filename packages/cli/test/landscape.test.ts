import { expect } from 'chai';
import { tensor } from '@descent/tensor';
import { ROSENBROCK, SADDLE, contourLines, evaluateGrid, rosenbrock, saddle, trajectory } from '../src/landscape.js';

const f64 = (v: number) => tensor([v], { dtype: 'float64' });

describe('cli/landscape', () => {
  it('evaluates the test functions and their gradients with tensors', () => {
    expect(rosenbrock(f64(1), f64(1)).item()).to.equal(0);
    expect(saddle(f64(0), f64(Math.SQRT2)).item()).to.be.closeTo(-1, 1e-12);
    const x = f64(-1.5).requireGrad(), y = f64(2.5).requireGrad();
    rosenbrock(x, y).sum().backward();
    // ∂f/∂x = −2(1 − x) − 400x(y − x²), ∂f/∂y = 200(y − x²)
    expect(x.grad!.item()).to.be.closeTo(-2 * 2.5 - 400 * -1.5 * (2.5 - 2.25), 1e-9);
    expect(y.grad!.item()).to.be.closeTo(200 * 0.25, 1e-9);
  });

  it('finds closed contour lines of a bowl at the right radius', () => {
    const grid = evaluateGrid((x, y) => x.square().add(y.square()), [-2, 2], [-2, 2], 61, 61);
    const lines = contourLines(grid, [1]);
    expect(lines).to.have.length(1);
    const pts = lines[0]!.points;
    expect(pts[0]).to.deep.equal(pts[pts.length - 1]);
    for (const [px, py] of pts) expect(Math.hypot(px, py)).to.be.closeTo(1, 0.01);
  });

  it('joins segments across cells into open lines for a saddle', () => {
    const lines = contourLines(evaluateGrid(saddle, [-2, 2], [-2, 2], 41, 41), [0.5]);
    expect(lines.length).to.be.within(2, 4);
    expect(lines.reduce((n, l) => n + l.points.length, 0)).to.be.greaterThan(40);
  });

  it('runs optimizers from the shared start: adaptive methods leave the saddle, SGD lags', () => {
    const adam = trajectory(SADDLE, 'adam');
    const sgd = trajectory(SADDLE, 'sgd', { steps: 50 });
    expect(adam.points[0]).to.deep.equal([1.8, 1e-3]);
    expect(adam.values.at(-1)!).to.be.below(-0.99);
    expect(Math.abs(sgd.points.at(-1)![1])).to.be.below(0.01);
    const rb = trajectory(ROSENBROCK, 'adam', { steps: 300 });
    expect(rb.values.at(-1)!).to.be.below(rb.values[0]! / 10);
  });

  it('stops a diverging path', () => {
    const t = trajectory(ROSENBROCK, 'sgd', { lr: 0.05, steps: 100 });
    expect(t.points.length).to.be.below(101);
  });
});
