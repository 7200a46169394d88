import { loadWorkloads, workloadNames } from '../src/workloads/index.js';
describe('dbg', function () { this.timeout(60000); it('x', async () => { const t=Date.now(); await loadWorkloads(); console.log('names', workloadNames(), Date.now()-t); }); });
