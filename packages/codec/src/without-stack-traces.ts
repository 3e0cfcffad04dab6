/**
 * Node's crypto tells a `KeyObject` or a `CryptoKey` from other key input by catching the TypeErrors that
 * reading their private slots throws (`isKeyObject` and `isCryptoKey` in its crypto internals), several times
 * per key it imports, and most of a thrown error's cost is capturing its stack: without stacks a key import
 * costs a third to a half as much (packages/codec/benchmarks/open-peer-record.ts, docs/performance.md).
 * Where the limit cannot be set (frozen intrinsics), calls run as they are.
 */
const canDropStacks = Object.getOwnPropertyDescriptor(Error, 'stackTraceLimit')?.writable === true && !Object.isFrozen(Error)

/**
 * Run `fn` (synchronous: JavaScript runs nothing else until it returns, so the limit is back before any other
 * code can throw) with `Error.stackTraceLimit` at 0, and put the limit back however `fn` ends
 */
export function withoutStackTraces<T> (fn: () => T): T {
  if (!canDropStacks) {
    return fn()
  }
  const limit = Error.stackTraceLimit
  Error.stackTraceLimit = 0
  try {
    return fn()
  } finally {
    Error.stackTraceLimit = limit
  }
}
