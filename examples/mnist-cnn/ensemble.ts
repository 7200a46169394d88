// Several trained classifiers as one: the mean of their predicted probabilities.
import { ValueError, log, mean, softmax, stack, type Tensor } from '@descent/tensor';
import { Module, type TensorModule } from '@descent/layers';

/**
 * Averages the class probabilities of its members (softmax of each one's logits) and returns the
 * log of the mean, so `crossEntropyLoss` and the argmax read it as logits (log-probabilities are
 * logits whose softmax is themselves). For evaluation of independently trained networks.
 *
 * @example
 * ```ts
 * const both = new Ensemble([netA, netB]);
 * evaluate(both, testData); // loss and accuracy of the averaged prediction
 * ```
 */
export class Ensemble extends Module {
  readonly members: readonly TensorModule[];

  constructor(members: readonly TensorModule[]) {
    super();
    if (members.length === 0) throw new ValueError('Ensemble: members must hold at least one network, but got none');
    this.members = members;
    members.forEach((m, i) => this.registerModule(String(i), m as Module));
  }

  forward(x: Tensor): Tensor {
    return log(mean(stack(this.members.map((m) => softmax(m.call(x), -1))), 0));
  }
}
