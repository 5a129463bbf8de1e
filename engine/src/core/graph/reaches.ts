/** Whether a walk from `from` along `next` (a node's successors) arrives at `to`. */
export function reaches(from: string, to: string, next: (id: string) => Iterable<string>): boolean {
  const seen = new Set([from]);
  const stack = [from];
  while (stack.length) {
    for (const n of next(stack.pop()!)) {
      if (n === to) return true;
      if (!seen.has(n)) {
        seen.add(n);
        stack.push(n);
      }
    }
  }
  return false;
}
