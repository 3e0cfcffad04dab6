import { decodeFollowRequest, encodeFollowEvent, FOLLOW_PROTOCOL, readFirstFrame, RECORD_FORMATS, rendezvous } from '@rendezvous/codec'
import { MAX_NAMESPACE_BYTES } from '@rendezvous/store'
import { FOLLOW_BACKLOG_PAGE, FOLLOW_MAX_QUEUED_EVENTS, FOLLOW_MAX_REQUEST_BYTES } from './constants.ts'
import { mintCookie, openCookie } from './cookie.ts'
import { FollowRefusedError, ServerStoppingError } from './errors.ts'
import { writeFrame } from './federation-stream.ts'
import type { ServerConfig } from './config.ts'
import type { RegistrationEvents } from './federation-events.ts'
import type { Connection, Logger, Stream } from '@libp2p/interface'
import type { Registrar } from '@libp2p/interface-internal'
import type { FollowEventMessage } from '@rendezvous/codec'
import type { Registration } from '@rendezvous/store'

/** What the follow service did since it started; `stats().follow` */
export interface FollowStats {
  /** Followers connected now */
  followers: number
  /** Follow streams accepted in all */
  accepted: number
  /** Follow streams refused: over the cap, a bad namespace or cookie, no request in time */
  refused: number
  /** Registrations pushed to followers (backlog and live) */
  pushed: number
  /** Followers cut off for not reading their events */
  slow: number
}

const encoder = new TextEncoder()
const KNOWN_FORMATS = new Set(RECORD_FORMATS.map(f => f.name))
const DEFAULT_FORMATS = rendezvous.records.served.map(f => f.name)

/** One follow stream */
class Follower {
  readonly namespace: string
  readonly formats: ReadonlySet<string>
  readonly stream: Stream
  /** Registrations that arrived while the backlog was being sent */
  buffered: Registration[] | undefined = []
  queued = 0
  private chain = Promise.resolve()

  constructor (namespace: string, formats: ReadonlySet<string>, stream: Stream) {
    this.namespace = namespace
    this.formats = formats
    this.stream = stream
  }

  wants (registration: Registration): boolean {
    return (this.namespace === '' || registration.namespace === this.namespace) && this.formats.has(registration.format)
  }

  /** Queue an event behind the ones not yet written; `false` when too many are waiting */
  send (event: FollowEventMessage, signal: AbortSignal): boolean {
    if (this.queued >= FOLLOW_MAX_QUEUED_EVENTS) {
      return false
    }
    this.queued++
    const bytes = encodeFollowEvent(event)
    this.chain = this.chain.then(async () => writeFrame(this.stream, bytes, signal)).catch((err: Error) => {
      // the stream is gone: its close event removes the follower
      this.stream.abort(err)
    }).finally(() => { this.queued-- })
    return true
  }

  async drained (): Promise<void> {
    await this.chain
  }
}

/**
 * The point's side of `/rendezvous/follow/1.0.0` (docs/protocol.md, "Follow"): a follower names a
 * namespace (and a cookie to resume after); the point sends what it holds after the cookie, then every
 * registration of the namespace as it is stored, local or federated, until either side ends the stream.
 */
export class FollowService implements RegistrationEvents {
  private readonly registrar: Registrar
  private readonly config: ServerConfig
  private readonly log: Logger
  private readonly maxFollowers: number
  private readonly followers = new Set<Follower>()
  private readonly counters = { accepted: 0, refused: 0, pushed: 0, slow: 0 }
  private controller = new AbortController()

  constructor (registrar: Registrar, config: ServerConfig, maxFollowers: number, log: Logger) {
    this.registrar = registrar
    this.config = config
    this.maxFollowers = maxFollowers
    this.log = log
  }

  async start (): Promise<void> {
    this.controller = new AbortController()
    await this.registrar.handle(FOLLOW_PROTOCOL, (stream, connection) => { void this.onStream(stream, connection) }, {
      maxInboundStreams: this.config.maxInboundStreams,
      runOnLimitedConnection: this.config.runOnLimitedConnection
    })
  }

  async stop (): Promise<void> {
    this.controller.abort(new ServerStoppingError())
    await this.registrar.unhandle(FOLLOW_PROTOCOL).catch(() => {})
    for (const follower of this.followers) {
      follower.stream.abort(new ServerStoppingError())
    }
    this.followers.clear()
  }

  stats (): FollowStats {
    return { followers: this.followers.size, ...this.counters }
  }

  registered (registration: Registration): void {
    for (const follower of this.followers) {
      if (!follower.wants(registration)) {
        continue
      }
      if (follower.buffered != null) {
        follower.buffered.push(registration)
      } else {
        this.push(follower, [registration], true)
      }
    }
  }

  unregistered (): void {
    // followers learn of new registrations only; a removed one runs out at its follower's side
  }

  private push (follower: Follower, registrations: Registration[], live: boolean): void {
    const now = this.config.clock()
    const last = registrations.at(-1)
    const sent = follower.send({
      registrations: registrations.map(r => ({ ns: r.namespace, signedPeerRecord: r.signedPeerRecord, ttl: Math.max(1, Math.ceil((r.expiresAt - now) / 1000)) })),
      cookie: last == null ? undefined : mintCookie(this.config.cookieSecret, follower.namespace, last.position),
      live
    }, this.controller.signal)
    if (!sent) {
      this.counters.slow++
      this.drop(follower, new FollowRefusedError('the follower did not read its events'))
      return
    }
    this.counters.pushed += registrations.length
  }

  private drop (follower: Follower, err?: Error): void {
    if (this.followers.delete(follower) && err != null) {
      follower.stream.abort(err)
    }
  }

  private async onStream (stream: Stream, connection: Connection): Promise<void> {
    const refuse = (reason: string): void => {
      this.counters.refused++
      this.log('follow stream of %p refused: %s', connection.remotePeer, reason)
      stream.abort(new FollowRefusedError(reason))
    }
    if (this.followers.size >= this.maxFollowers) {
      refuse(`this point serves ${this.maxFollowers} followers at most`)
      return
    }
    let namespace: string
    let after = 0
    let formats: Set<string>
    try {
      const request = decodeFollowRequest(await readFirstFrame(stream, { maxFrameBytes: FOLLOW_MAX_REQUEST_BYTES, signal: AbortSignal.any([AbortSignal.timeout(this.config.streamTimeout), this.controller.signal]) }))
      namespace = request.ns
      if (encoder.encode(namespace).byteLength > MAX_NAMESPACE_BYTES) {
        refuse('namespace too long')
        return
      }
      if (request.cookie != null) {
        after = openCookie(this.config.cookieSecret, namespace, request.cookie)
      }
      formats = new Set(request.formats.length > 0 ? request.formats.filter(f => KNOWN_FORMATS.has(f)) : DEFAULT_FORMATS)
    } catch (err: any) {
      refuse(err.message)
      return
    }

    const follower = new Follower(namespace, formats, stream)
    this.followers.add(follower)
    this.counters.accepted++
    // a follower may close its side after its request (it only reads from then on): only the end of the
    // whole stream ends the follow
    stream.addEventListener('close', () => { this.drop(follower) })
    try {
      // registrations stored while the backlog is read are buffered, and sent after it unless it held them
      let position = after
      for (let pages = 0; pages < 100_000 && this.followers.has(follower); pages++) {
        const result = await this.config.store.discover({ namespace: namespace === '' ? undefined : namespace, after: position, limit: FOLLOW_BACKLOG_PAGE, formats: [...formats] })
        const now = this.config.clock()
        const live = result.registrations.filter(r => r.expiresAt > now)
        if (live.length > 0) {
          this.push(follower, live, false)
          await follower.drained()
        }
        position = result.position
        if (result.registrations.length < FOLLOW_BACKLOG_PAGE) {
          break
        }
      }
      const buffered = (follower.buffered ?? []).filter(r => r.position > position).sort((a, b) => a.position - b.position)
      follower.buffered = undefined
      if (!this.followers.has(follower)) {
        return
      }
      if (buffered.length > 0) {
        this.push(follower, buffered, true)
      } else {
        follower.send({ registrations: [], cookie: mintCookie(this.config.cookieSecret, namespace, position), live: true }, this.controller.signal)
      }
    } catch (err: any) {
      this.log('follow stream of %p failed - %e', connection.remotePeer, err)
      this.drop(follower, err)
    }
  }
}
