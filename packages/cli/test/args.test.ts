import { expect } from 'chai';
import {
  UsageError, choiceOption, helpText, intOption, listOption, numberMapOption, numberOption, parseCommandArgs, type CommandSpec,
} from '../src/args.js';

const spec: CommandSpec = {
  name: 'demo', summary: 'a demo', usage: 'descent demo [options]',
  options: {
    epochs: { type: 'string', value: 'N', help: 'epochs', default: '3' },
    verbose: { type: 'boolean', help: 'talk' },
    plugin: { type: 'string', value: 'FILE', help: 'plugin', multiple: true },
  },
};

describe('cli/args', () => {
  it('parses options, booleans with --no-, and repeated options', () => {
    const a = parseCommandArgs(spec, ['--epochs', '5', '--no-verbose', '--plugin', 'a.js', '--plugin', 'b.js']);
    expect(a.values.epochs).to.equal('5');
    expect(a.values.verbose).to.equal(false);
    expect(a.values.plugin).to.deep.equal(['a.js', 'b.js']);
  });

  it('names an unknown option and rejects extra positionals', () => {
    expect(() => parseCommandArgs(spec, ['--epoch', '5'])).to.throw(UsageError, /descent demo: Unknown option '--epoch'/);
    expect(() => parseCommandArgs(spec, ['extra'])).to.throw(UsageError, /unexpected argument 'extra'/);
    expect(() => parseCommandArgs(spec, ['--epochs'])).to.throw(UsageError, /--epochs/);
  });

  it('checks integers, numbers, choices, lists and name=value maps with messages naming the option', () => {
    const p = (argv: string[]) => parseCommandArgs({ ...spec, options: { ...spec.options, n: { type: 'string', help: '' }, lr: { type: 'string', help: '' } } }, argv);
    expect(intOption(p(['--n', '7']), 'n', 1, { min: 1 })).to.equal(7);
    expect(intOption(p([]), 'n', 4, { min: 1 })).to.equal(4);
    expect(() => intOption(p(['--n', 'x']), 'n', 1, { min: 1 })).to.throw(UsageError, "--n must be an integer ≥ 1, but got 'x'");
    expect(() => intOption(p(['--n', '0']), 'n', 1, { min: 1 })).to.throw(UsageError, /--n must be an integer ≥ 1/);
    expect(() => intOption(p(['--n', '2.5']), 'n', 1, { min: 1, max: 9 })).to.throw(UsageError, /in \[1, 9\]/);
    expect(numberOption(p(['--n', '1e-3']), 'n', 1, { positive: true })).to.equal(0.001);
    expect(() => numberOption(p(['--n=-1']), 'n', 1, { positive: true })).to.throw(UsageError, /--n must be a number > 0/);
    expect(choiceOption(p(['--n', 'iris']), 'n', ['mnist', 'iris'], 'mnist')).to.equal('iris');
    expect(() => choiceOption(p(['--n', 'cifar']), 'n', ['mnist', 'iris'], 'mnist')).to.throw(UsageError, "--n must be one of mnist, iris, but got 'cifar'");
    expect(listOption(p(['--n', 'adam, sgdm,,nag']), 'n', [])).to.deep.equal(['adam', 'sgdm', 'nag']);
    expect(() => listOption(p(['--n', ',']), 'n', [])).to.throw(UsageError, /at least one/);
    expect(numberMapOption(p(['--lr', 'adam=0.002,sgdm=0.1']), 'lr')).to.deep.equal({ adam: 0.002, sgdm: 0.1 });
    expect(() => numberMapOption(p(['--lr', 'adam:0.1']), 'lr')).to.throw(UsageError, /name=value pairs.*'adam:0.1'/);
  });

  it('writes a help text with every option, its default and examples', () => {
    const text = helpText({ ...spec, examples: ['descent demo --epochs 2'] });
    expect(text).to.contain('Usage: descent demo [options]');
    expect(text).to.match(/--epochs N\s+epochs \(default: 3\)/);
    expect(text).to.contain('-h, --help');
    expect(text).to.contain('repeatable');
    expect(text).to.contain('descent demo --epochs 2');
  });
});
