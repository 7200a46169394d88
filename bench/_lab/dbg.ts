import { add, tensor } from '@descent/tensor';
const a = tensor(new Float32Array(0), { shape: [0, 3] }); const b = tensor(new Float32Array([1, 2, 3]), { shape: [3] });
const c = add(a, b); console.log(c.shape, c.buffer().length, a.shape, a.size);
