// One resolver serves every optimizer that wraps another (lookahead's inner, sam's and asam's base,
// averaged's inner, muon's fallback): the same spellings are accepted and the same mistakes named.
import { expect } from 'chai';
import { ConfigError, RegistryError, tensor } from '@descent/tensor';
import { adam, createOptimizer, resolveNestedOptimizer } from '@descent/optim';

const params = () => [tensor(Float64Array.from([1, 2, 3, 4]), { shape: [2, 2], dtype: 'float64' })];
const owners = [['lookahead', 'inner'], ['sam', 'base'], ['asam', 'base'], ['averaged', 'inner'], ['muon', 'fallback']] as const;

describe('nested optimizer specs', () => {
  for (const [owner, option] of owners) {
    it(`${owner}: '${option}' as a plugin, { name, options }, { plugin, options } and { name: plugin }`, () => {
      for (const spec of [adam, { name: 'adam', options: { lr: 0.01 } }, { plugin: adam, options: { lr: 0.01 } }, { name: adam, options: { lr: 0.01 } }]) {
        const opt = createOptimizer(owner, params(), { [option]: spec } as never);
        const nested = (opt.groups[0]!.options as unknown as Record<string, unknown>)[option] as { name: string; options: { lr: number; betas: number[] } };
        expect(nested.name).to.equal('adam');
        expect(nested.options.betas).to.deep.equal([0.9, 0.999]);
        if (spec !== adam) expect(nested.options.lr).to.equal(0.01);
      }
    });

    it(`${owner}: a bad '${option}' is a ConfigError naming the option and the value`, () => {
      expect(() => createOptimizer(owner, params(), { [option]: 42 } as never)).to.throw(ConfigError, new RegExp(`${owner}: option '${option}' must be \\{ name, options \\}.*but got 42`));
      expect(() => createOptimizer(owner, params(), { [option]: { name: 'adam', options: 7 } } as never)).to.throw(ConfigError, new RegExp(`${owner}: option '${option}': options must be an object, but got 7`));
      expect(() => createOptimizer(owner, params(), { [option]: { name: 'no-such-optimizer' } } as never)).to.throw(RegistryError, /unknown optimizer 'no-such-optimizer'/);
    });
  }

  it('inherited options sit under the spec\'s own (muon\'s fallback takes muon\'s lr unless it names one)', () => {
    expect(resolveNestedOptimizer({ name: 'adam' }, { owner: 'o', option: 'x', inherited: { lr: 0.5 } }).options.lr).to.equal(0.5);
    expect(resolveNestedOptimizer({ name: 'adam', options: { lr: 0.1 } }, { owner: 'o', option: 'x', inherited: { lr: 0.5 } }).options.lr).to.equal(0.1);
  });

  it('a rejected plugin is named with what was expected', () => {
    expect(() => resolveNestedOptimizer({ name: 'lbfgs' }, { owner: 'sam', option: 'base', reject: (p) => (p.needsClosure ? 'an optimizer without a closure' : undefined) }))
      .to.throw(ConfigError, "sam: option 'base' must be an optimizer without a closure, but got 'lbfgs'");
  });
});
