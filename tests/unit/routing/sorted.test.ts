import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MinHeap, SortedList } from '../../../src/routing/engine/sorted.js';

const cmp = (a: number, b: number) => a - b;

describe('engine containers', () => {
  it('SortedList keeps its items in order through inserts and deletes, and finds successors', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.boolean(), fc.integer({ min: 0, max: 3_000 })), { maxLength: 3_000 }), fc.integer({ min: -1, max: 3_001 }), (ops, probe) => {
        const list = new SortedList<number>(cmp);
        const model = new Set<number>();
        for (const [insert, x] of ops) {
          if (insert && !model.has(x)) {
            list.insert(x);
            model.add(x);
          } else if (!insert) expect(list.delete(x)).toBe(model.delete(x));
        }
        const sorted = [...model].sort(cmp);
        const walked: number[] = [];
        list.walk((x) => void walked.push(x));
        expect(walked).toEqual(sorted);
        expect(list.size).toBe(sorted.length);
        expect(list.first()).toBe(sorted[0]);
        expect(list.after(probe)).toBe(sorted.find((x) => x > probe));
        const rest: number[] = [];
        list.walk((x) => void rest.push(x), probe);
        expect(rest).toEqual(sorted.filter((x) => x > probe));
        const [ci, i] = list.positionAfter(probe);
        const fromBlocks = list.blocks.slice(ci).flatMap((c, k) => (k === 0 ? c.slice(i) : c));
        expect(fromBlocks).toEqual(rest);
      }),
      { numRuns: 100 },
    );
  });

  it('MinHeap pops in order', () => {
    fc.assert(
      fc.property(fc.array(fc.integer(), { maxLength: 500 }), (xs) => {
        const h = new MinHeap<number>(cmp);
        for (const x of xs) h.push(x);
        const out: number[] = [];
        while (h.size > 0) out.push(h.pop()!);
        expect(out).toEqual([...xs].sort(cmp));
        expect(h.pop()).toBeUndefined();
      }),
      { numRuns: 100 },
    );
  });
});
