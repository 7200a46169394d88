// Importing a kind's file registers its handler with the runner.
import './kinds/grad.js';
import './kinds/optimizer.js';
import './kinds/grad_layers.js';
import './kinds/scheduler.js';
import './kinds/plateau.js';
import './kinds/train.js';
import './kinds/layer.js';
// Layer factories of the "layer" kind, one file per layer family.
import './layers/basic.js';
import './layers/attention.js';
import './layers/recurrent.js';
import './layers/conv.js';
