import { expect } from 'chai';
import { main } from '../../examples/quickstart/main.js';

describe('examples/quickstart', () => {
  it('prints a loss and gradients of the right shapes', () => {
    const { loss, gradW, gradB } = main();
    expect(loss).to.be.a('number').and.to.be.finite;
    expect(gradW).to.have.length(3);
    expect(gradB).to.have.length(2);
  });
});
