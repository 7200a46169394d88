// "Did you mean" hints for misspelt names (commands, config fields, layers, optimizers).
import { closestName } from '@descent/tensor';

/** The candidate closest to `name` (case and `_`/`-` ignored) within 2 edits, if any: the tensor
 * package's {@link "@descent/tensor".index.closestName | closestName}, the one did-you-mean of every unknown-name message.
 * @example
 * ```ts
 * closest('epoch', ['epochs', 'seed']); // 'epochs'
 * ```
 */
export const closest = closestName;
