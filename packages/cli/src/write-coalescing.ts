import diagnostics from 'node:diagnostics_channel'
import type { Socket } from 'node:net'

/** Node's channels for every TCP socket a server accepts and every one the process dials */
const CHANNELS = ['net.server.socket', 'net.client.socket'] as const

/** Sockets already wrapped, so a socket seen on both channels is wrapped once */
const WRAPPED = new WeakSet<Socket>()

/** The one subscription of this process, shared by every caller until the last one stops */
let subscribers = 0

function onSocket (message: unknown): void {
  const socket = (message as { socket?: Socket } | undefined)?.socket
  if (socket != null) {
    coalesce(socket)
  }
}

/** What {@link coalesceSocketWrites} returns: stop wrapping new sockets (wrapped ones keep coalescing) */
export interface WriteCoalescing {
  stop(): void
}

/**
 * Make each TCP socket of this process (accepted or dialled from now on) send the writes of one event-loop
 * iteration as one `writev`: the first write corks the socket and a `setImmediate` uncorks it, once the
 * iteration's I/O callbacks, and the promise jobs and ticks they started, have run.
 *
 * Why: js-libp2p writes every Noise message as two socket writes (its length and its ciphertext), and a
 * REGISTER answered on a fresh stream is five Noise messages (Yamux's acknowledgement of the stream,
 * multistream-select's two lines, the answer, the close): about ten `write` syscalls (docs/performance.md).
 * Everything a point writes in answer to what it read in one iteration leaves as one: an answer computed
 * in promise jobs after the read (a store's upsert) included, which uncorking at the end of the tick (a
 * `process.nextTick`) would miss. Nothing is reordered, and nothing is held past the iteration: a write
 * waits at most for the other callbacks of its iteration. `end()` flushes at once. The wrap is per socket
 * (found through `node:diagnostics_channel`), not a change of `net.Socket.prototype`, so sockets made before
 * the call are untouched. Node announces an accepted socket right after the server's 'connection'
 * listeners have run, so writes made inside those listeners are not coalesced; js-libp2p's first write
 * comes later, after reading the peer's first bytes.
 *
 * Calls share one subscription: sockets are wrapped until every caller has stopped. `rendezvous serve`
 * turns it on unless `--no-coalesce-writes`; docs/performance.md gives its measured effect.
 */
export function coalesceSocketWrites (): WriteCoalescing {
  if (subscribers++ === 0) {
    for (const channel of CHANNELS) {
      diagnostics.subscribe(channel, onSocket)
    }
  }
  let stopped = false
  return {
    stop: () => {
      if (stopped) {
        return
      }
      stopped = true
      if (--subscribers === 0) {
        for (const channel of CHANNELS) {
          diagnostics.unsubscribe(channel, onSocket)
        }
      }
    }
  }
}

/** Wrap one socket's `write`: the first write of an iteration corks it until the iteration ends */
function coalesce (socket: Socket): void {
  if (WRAPPED.has(socket)) {
    return
  }
  WRAPPED.add(socket)
  const write = socket.write
  let corked = false
  const uncork = (): void => {
    corked = false
    socket.uncork()
  }
  socket.write = function (this: Socket, ...args: unknown[]): boolean {
    if (!corked && !socket.destroyed) {
      corked = true
      socket.cork()
      setImmediate(uncork)
    }
    return (write as (...a: unknown[]) => boolean).apply(this, args)
  } as Socket['write']
}
