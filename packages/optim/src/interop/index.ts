// Interop with other frameworks' files.
export { loadOptimizerSafetensors, optimizerStateTensors, saveOptimizerSafetensors } from './safetensors.js';
