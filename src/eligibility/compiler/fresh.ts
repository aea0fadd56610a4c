// A fresh copy of a closure factory's code for each compiled node, so V8 sees one target per call site and can inline.

const copies = new Map<string, (...args: never[]) => unknown>();

/**
 * Compiled nodes share their closures' code, so a call site such as `test(s, item)` inside where() sees every rule's
 * criteria and V8 gives up inlining it. `fresh(factory)(args)` builds the closure from a new copy of the factory's
 * source instead: each node gets its own call sites. The factory must use nothing but its parameters and globals.
 */
export function fresh<A extends unknown[], R>(factory: (...args: A) => R): (...args: A) => R {
  const source = factory.toString();
  // One compiled copy per call: the copy's feedback (call targets, shapes) belongs to that node only.
  return (...args: A) => {
    const copy = new Function(`return (${source});`)() as (...a: A) => R;
    copies.set(source, copy as never);
    return copy(...args);
  };
}
