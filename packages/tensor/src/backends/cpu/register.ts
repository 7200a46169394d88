// Registers the CPU backend and every CPU kernel. Imported for its side effect by the package index.
import { registerBackend } from '../../backend.js';
import { registerKernel } from '../../kernel_registry.js';
import { cpuBackend } from './backend_cpu.js';
import * as kernels from './kernels/index.js';

registerBackend(cpuBackend);
for (const config of Object.values(kernels)) registerKernel(config);
