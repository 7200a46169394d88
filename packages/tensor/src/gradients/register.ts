// Registers every gradient rule. Imported for its side effect by the package index.
import { registerGradient } from '../kernel_registry.js';
import * as gradients from './index.js';

for (const config of Object.values(gradients)) registerGradient(config);
