import { MicroBatcher } from './micro-batcher';

describe('MicroBatcher', () => {
  it('runs calls arriving within the window as one batch, each caller getting its own result', async () => {
    const batches: number[][] = [];
    const b = new MicroBatcher<number, number>(async (xs) => (batches.push(xs), xs.map((x) => x * 10)), { windowMs: 5, max: 100 });
    expect(await Promise.all([b.add(1), b.add(2), b.add(3)])).toEqual([10, 20, 30]);
    expect(batches).toEqual([[1, 2, 3]]);
  });

  it('flushes at once when the batch is full', async () => {
    const batches: number[][] = [];
    const b = new MicroBatcher<number, number>(async (xs) => (batches.push(xs), xs), { windowMs: 10_000, max: 2 });
    await Promise.all([b.add(1), b.add(2)]);
    expect(batches).toEqual([[1, 2]]);
  });

  it('rejects only the caller whose place holds an Error, and every caller when the batch fails', async () => {
    const b = new MicroBatcher<number, number>(async (xs) => xs.map((x) => (x === 2 ? new Error('no row for 2') : x)), { windowMs: 1, max: 10 });
    const [one, two] = await Promise.allSettled([b.add(1), b.add(2)]);
    expect(one).toEqual({ status: 'fulfilled', value: 1 });
    expect(two).toMatchObject({ status: 'rejected', reason: new Error('no row for 2') });
    const failing = new MicroBatcher<number, number>(async () => Promise.reject(new Error('store down')), { windowMs: 1, max: 10 });
    const all = await Promise.allSettled([failing.add(1), failing.add(2)]);
    expect(all.map((r) => r.status)).toEqual(['rejected', 'rejected']);
  });
});
