import { TopicValidatorResult } from '@libp2p/gossipsub'
import { peerIdFromPublicKey } from '@libp2p/peer-id'
import { RecordEnvelope } from '@libp2p/peer-record'
import {
  decodeFederationGossip, decodeSyncPage, decodeSyncRequest, encodeFederationGossip, encodeSyncPage, encodeSyncRequest,
  FEDERATION_SYNC_PROTOCOL, readFirstFrame
} from '@rendezvous/codec'
import { MAX_NAMESPACE_BYTES, RegistrationLimitError } from '@rendezvous/store'
import {
  FEDERATION_SWEEP_INTERVAL, FEDERATION_SYNC_CONCURRENCY, FEDERATION_SYNC_MAX_FRAME_BYTES, FEDERATION_SYNC_MAX_PAGES, FEDERATION_SYNC_PAGE,
  FEDERATION_SYNC_TIMEOUT
} from './constants.ts'
import { FederationRejectedError, InvalidServerConfigError } from './errors.ts'
import { FederationRecorder } from './federation-stats.ts'
import { readFrames, writeFrame } from './federation-stream.ts'
import type { ServerConfig } from './config.ts'
import type { FederationConfig } from './federation-config.ts'
import type { RegistrationEvents } from './federation-events.ts'
import type { FederationStats } from './federation-stats.ts'
import type { EnvelopeVerifier } from './verification-cache.ts'
import type { GossipSub, Message } from '@libp2p/gossipsub'
import type { ComponentLogger, Connection, Libp2pEvents, Logger, Metrics, PeerId, Stream, TypedEventTarget } from '@libp2p/interface'
import type { ConnectionManager, Registrar } from '@libp2p/interface-internal'
import type { Dialect, FederatedRegistrationMessage, FederatedUnregistrationMessage } from '@rendezvous/codec'
import type { Registration } from '@rendezvous/store'

/** What the federation takes from the libp2p node; the gossipsub service is looked up by name */
export interface FederationComponents {
  peerId: PeerId
  registrar: Registrar
  connectionManager: ConnectionManager
  events: TypedEventTarget<Libp2pEvents>
  logger: ComponentLogger
  metrics?: Metrics
}

/** What this point knows of one stored registration, to tell whether another one is later */
interface Entry {
  registeredAt: number
  expiresAt: number
  /** The dialect it came in on, when known (a registration found in a persistent store at start is not) */
  dialect?: string
}

/** Reasons that are the publisher's fault: gossipsub scores the sender down for them */
const PUBLISHER_FAULTS = new Set(['malformed', 'signature', 'format', 'record', 'namespace', 'future', 'ttl'])

const encoder = new TextEncoder()

/** The peer an envelope claims to be of (its signing key's), unverified; `undefined` when it cannot be read */
function claimedPeer (envelope: Uint8Array): string | undefined {
  try {
    return peerIdFromPublicKey(RecordEnvelope.createFromProtobuf(envelope).publicKey).toString()
  } catch {
    return undefined
  }
}

/**
 * A point's membership of a federation (docs/federation.md): publishes what its clients change on the
 * federation's gossipsub topic, validates and stores what other members publish, and catches up from a
 * member with the sync exchange whenever it connects to one.
 *
 * "Later" is by `registeredAt`, the time the origin point granted the registration (on a tie, the one a
 * point holds stays), so every point keeps the same one of two registrations of a (peer, namespace)
 * whatever order they arrive in. An unregistration removes the registrations granted before it, and is remembered
 * so that a member that missed it cannot bring them back.
 */
export class Federation implements RegistrationEvents {
  private readonly components: FederationComponents
  private readonly server: ServerConfig
  private readonly config: FederationConfig
  private readonly verifier: EnvelopeVerifier
  private readonly log: Logger
  private readonly recorder: FederationRecorder
  /** Called after a federated registration was stored, for followers */
  private readonly onStored: (registration: Registration) => void
  /** peer → namespace → what is stored */
  private readonly index = new Map<string, Map<string, Entry>>()
  /** `peer\nnamespace` (namespace `''`: all of them) → when it was unregistered */
  private readonly unregistrations = new Map<string, number>()
  private readonly pulls = new Map<string, Promise<void>>()
  private pubsub?: GossipSub
  private redialTimer?: ReturnType<typeof setInterval>
  private sweepTimer?: ReturnType<typeof setInterval>
  private controller?: AbortController
  private indexing?: Promise<void>
  private started = false

  constructor (components: FederationComponents, server: ServerConfig, config: FederationConfig, verifier: EnvelopeVerifier, onStored: (registration: Registration) => void) {
    this.components = components
    this.server = server
    this.config = config
    this.verifier = verifier
    this.onStored = onStored
    this.log = components.logger.forComponent('rendezvous:federation')
    this.recorder = new FederationRecorder(components.metrics)
    this.onConnect = this.onConnect.bind(this)
  }

  /** The gossipsub topic */
  get topic (): string {
    return this.config.topic
  }

  stats (): FederationStats {
    return this.recorder.snapshot()
  }

  async start (): Promise<void> {
    let pubsub: GossipSub | undefined
    try {
      pubsub = (this.components as unknown as Record<string, GossipSub | undefined>)[this.config.pubsubService]
    } catch {
      // libp2p's components throw for a service that is not configured
    }
    if (pubsub == null || typeof pubsub.subscribe !== 'function' || !(pubsub.topicValidators instanceof Map)) {
      throw new InvalidServerConfigError(`federation needs a gossipsub service named "${this.config.pubsubService}"`)
    }
    if (pubsub.globalSignaturePolicy !== 'StrictSign') {
      throw new InvalidServerConfigError('federation needs gossipsub to sign messages (globalSignaturePolicy StrictSign)')
    }
    this.pubsub = pubsub
    this.controller = new AbortController()
    this.started = true
    this.indexing = this.buildIndex().catch(err => { this.log.error('could not index the store - %e', err) })
    await this.indexing
    pubsub.topicValidators.set(this.config.topic, async (_from, message) => this.validate(message))
    pubsub.subscribe(this.config.topic)
    await this.components.registrar.handle(FEDERATION_SYNC_PROTOCOL, (stream, connection) => { void this.serveSync(stream, connection) }, {
      maxInboundStreams: 4
    })
    this.components.events.addEventListener('peer:connect', this.onConnect)
    for (const connection of this.components.connectionManager.getConnections()) {
      this.maybePull(connection.remotePeer)
    }
    this.redial()
    if (this.config.redialInterval > 0) {
      this.redialTimer = setInterval(() => { this.redial() }, this.config.redialInterval)
      this.redialTimer.unref?.()
    }
    this.sweepTimer = setInterval(() => { this.sweep() }, FEDERATION_SWEEP_INTERVAL)
    this.sweepTimer.unref?.()
    this.log('member of federation %s (topic %s), %d members', this.config.name, this.config.topic, this.config.members.size)
  }

  async stop (): Promise<void> {
    if (!this.started) {
      return
    }
    this.started = false
    clearInterval(this.redialTimer)
    clearInterval(this.sweepTimer)
    this.controller?.abort(new Error('the federation stopped'))
    this.components.events.removeEventListener('peer:connect', this.onConnect)
    this.pubsub?.topicValidators.delete(this.config.topic)
    try {
      this.pubsub?.unsubscribe(this.config.topic)
    } catch {
      // gossipsub may already be stopped
    }
    await this.components.registrar.unhandle(FEDERATION_SYNC_PROTOCOL).catch(() => {})
    await Promise.all([...this.pulls.values()])
  }

  /** Catch up from a member now (it is also done whenever a member connects); resolves when done */
  async pull (peer: PeerId): Promise<void> {
    const key = peer.toString()
    const running = this.pulls.get(key)
    if (running != null) {
      await running
    }
    const pull = this.pullOnce(peer).finally(() => { this.pulls.delete(key) })
    this.pulls.set(key, pull)
    await pull
  }

  // --- what this point's own clients do ---

  registered (registration: Registration, dialect: Dialect): void {
    this.remember(registration.peerId, registration.namespace, { registeredAt: registration.registeredAt, expiresAt: registration.expiresAt, dialect: dialect.name })
    this.publish({
      type: 'register',
      registration: {
        ns: registration.namespace,
        signedPeerRecord: registration.signedPeerRecord,
        ttl: registration.ttl,
        registeredAt: registration.registeredAt,
        dialect: dialect.name
      }
    }, 'register')
  }

  unregistered (namespace: string, peerId: string, at: number): void {
    this.forget(peerId, namespace, at)
    this.publish({ type: 'unregister', unregistration: { ns: namespace, peer: peerId, unregisteredAt: at } }, 'unregister')
  }

  private publish (message: Parameters<typeof encodeFederationGossip>[0], kind: 'register' | 'unregister'): void {
    if (!this.started || this.pubsub == null) {
      return
    }
    this.pubsub.publish(this.config.topic, encodeFederationGossip(message)).then(() => {
      this.recorder.published(kind)
    }, err => {
      // no member reachable now: it catches up with a sync when it connects
      this.log('could not publish %s - %e', kind, err)
    })
  }

  // --- what other members send ---

  private async validate (message: Message): Promise<TopicValidatorResult> {
    if (message.type !== 'signed') {
      this.recorder.rejected('unsigned')
      return TopicValidatorResult.Reject
    }
    if (!this.config.members.has(message.from.toString())) {
      this.recorder.rejected('not-member')
      return TopicValidatorResult.Reject
    }
    let gossip
    try {
      gossip = decodeFederationGossip(message.data)
    } catch {
      this.recorder.rejected('malformed')
      return TopicValidatorResult.Reject
    }
    this.recorder.received(gossip.type)
    try {
      if (gossip.type === 'register') {
        const applied = await this.applyRegistration(gossip.registration)
        return applied ? TopicValidatorResult.Accept : TopicValidatorResult.Ignore
      }
      await this.applyUnregistration(gossip.unregistration)
      return TopicValidatorResult.Accept
    } catch (err: any) {
      if (err instanceof FederationRejectedError) {
        this.recorder.rejected(err.reason)
        this.log.trace('refused a message of %p: %s', message.from, err.message)
        return PUBLISHER_FAULTS.has(err.reason) ? TopicValidatorResult.Reject : TopicValidatorResult.Ignore
      }
      this.recorder.rejected('store')
      this.log.error('could not apply a message of %p - %e', message.from, err)
      return TopicValidatorResult.Ignore
    }
  }

  /**
   * Check a registration as if its peer had registered here, and store it unless this point holds a later
   * one. Resolves `false` for one already held (a duplicate or an earlier one).
   *
   * @throws {FederationRejectedError} for anything this point refuses
   */
  private async applyRegistration (message: FederatedRegistrationMessage): Promise<boolean> {
    const refuse = (reason: string, text: string): never => { throw new FederationRejectedError(reason, text) }
    const { dialect, ttl, expiresAt, now } = this.checkGrant(message)
    // a registration held already (or an earlier one) is let go before its signature is checked: that only
    // saves work, since whatever the envelope claims, nothing is stored without the check below
    const claimed = claimedPeer(message.signedPeerRecord)
    if (claimed != null && this.holdsLater(claimed, message, now)) {
      return false
    }
    let record
    try {
      record = await this.verifier.verify(message.signedPeerRecord)
    } catch (err: any) {
      return refuse('signature', `the envelope does not verify: ${err.message}`)
    }
    if (!dialect.records.accepts.includes(record.format)) {
      refuse('format', `${dialect.protocol} does not carry ${record.format.name} records`)
    }
    if (record.addressCount === 0 || record.addressBytes > dialect.limits.maxPeerAddressBytes) {
      refuse('record', 'no addresses, or too many bytes of them')
    }

    const peer = record.peerId.toString()
    const unregisteredAt = Math.max(this.unregistrations.get(`${peer}\n${message.ns}`) ?? -1, this.unregistrations.get(`${peer}\n`) ?? -1)
    if (unregisteredAt >= message.registeredAt) {
      refuse('unregistered', 'unregistered after it was granted')
    }
    // checked after the await above, and the entry taken before the one below, so two racing messages of one
    // (peer, namespace) cannot both pass
    if (this.holdsLater(peer, message, now)) {
      return false
    }
    const held = this.entry(peer, message.ns, now)
    this.remember(peer, message.ns, { registeredAt: message.registeredAt, expiresAt, dialect: dialect.name })
    let stored: Registration
    try {
      stored = await this.server.store.upsert({
        namespace: message.ns,
        peerId: peer,
        signedPeerRecord: message.signedPeerRecord,
        ttl,
        registeredAt: message.registeredAt,
        expiresAt,
        format: record.format.name
      }, {
        maxRegistrationsPerPeer: Math.min(this.server.maxRegistrationsPerPeer, dialect.limits.maxRegistrationsPerPeer),
        maxRegistrations: this.server.maxRegistrations
      })
    } catch (err: any) {
      this.restore(peer, message.ns, held)
      if (err instanceof RegistrationLimitError) {
        refuse('limit', `over this point's ${err.limit} limit`)
      }
      throw err
    }
    this.recorder.applied(now - message.registeredAt)
    this.onStored(stored)
    return true
  }

  /** Whether this point holds the registration, or a later one of its (peer, namespace); counts the earlier ones */
  private holdsLater (peer: string, message: FederatedRegistrationMessage, now: number): boolean {
    const held = this.entry(peer, message.ns, now)
    if (held == null || held.registeredAt < message.registeredAt) {
      return false
    }
    if (held.registeredAt > message.registeredAt) {
      this.recorder.rejected('superseded')
    }
    return true
  }

  /** The checks that need no signature verification: dialect, namespace, size, time and TTL */
  private checkGrant (message: FederatedRegistrationMessage): { dialect: Dialect, ttl: number, expiresAt: number, now: number } {
    const refuse = (reason: string, text: string): never => { throw new FederationRejectedError(reason, text) }
    const dialect = this.server.dialects.find(d => d.name === message.dialect) ?? refuse('dialect', `this point does not serve ${message.dialect}`)
    const nsBytes = encoder.encode(message.ns).byteLength
    if (nsBytes === 0 || nsBytes > Math.min(MAX_NAMESPACE_BYTES, dialect.limits.maxNamespaceBytes)) {
      refuse('namespace', 'the namespace is empty or too long')
    }
    if (message.signedPeerRecord.byteLength > this.server.maxRecordBytes) {
      refuse('record', `the record is longer than ${this.server.maxRecordBytes} bytes`)
    }
    const now = this.server.clock()
    if (message.registeredAt > now + this.config.maxClockSkew) {
      refuse('future', 'granted in the future of this point\'s clock')
    }
    if (message.ttl < 1) {
      refuse('ttl', 'no TTL')
    }
    const window = dialect.ttl.adjustable ? this.server.ttl : dialect.ttl
    const ttl = Math.min(message.ttl, window.max)
    const expiresAt = message.registeredAt + ttl * 1000
    if (expiresAt <= now) {
      refuse('expired', 'already expired')
    }

    return { dialect, ttl, expiresAt, now }
  }

  private async applyUnregistration (message: FederatedUnregistrationMessage): Promise<void> {
    const at = message.unregisteredAt
    const now = this.server.clock()
    if (at > now + this.config.maxClockSkew) {
      throw new FederationRejectedError('future', 'unregistered in the future of this point\'s clock')
    }
    if (encoder.encode(message.ns).byteLength > MAX_NAMESPACE_BYTES || message.peer.length === 0) {
      throw new FederationRejectedError('malformed', 'no peer, or a namespace too long')
    }
    const namespaces = message.ns === '' ? [...(this.index.get(message.peer)?.keys() ?? [])] : [message.ns]
    const removable = namespaces.filter(ns => {
      const held = this.entry(message.peer, ns, now)
      return held != null && held.registeredAt <= at
    })
    this.forget(message.peer, message.ns, at)
    for (const ns of removable) {
      if (await this.server.store.remove(ns, message.peer)) {
        this.recorder.removed()
      }
    }
  }

  // --- catching up ---

  private onConnect (evt: CustomEvent<PeerId>): void {
    this.maybePull(evt.detail)
  }

  private maybePull (peer: PeerId): void {
    const key = peer.toString()
    if (!this.started || !this.config.members.has(key) || peer.equals(this.components.peerId) || this.pulls.has(key)) {
      return
    }
    this.pull(peer).catch(() => {})
  }

  private async pullOnce (peer: PeerId): Promise<void> {
    const signal = AbortSignal.any([AbortSignal.timeout(FEDERATION_SYNC_TIMEOUT), this.controller?.signal ?? new AbortController().signal])
    const started = performance.now()
    let stream: Stream | undefined
    let applied = 0
    try {
      await this.indexing
      const connection = await this.components.connectionManager.openConnection(peer, { signal })
      stream = await connection.newStream(FEDERATION_SYNC_PROTOCOL, { signal })
      await writeFrame(stream, encodeSyncRequest({ federation: this.config.name, after: 0 }), signal)
      let pages = 0
      for await (const frame of readFrames(stream, FEDERATION_SYNC_MAX_FRAME_BYTES, signal)) {
        const page = decodeSyncPage(frame)
        for (let i = 0; i < page.registrations.length; i += FEDERATION_SYNC_CONCURRENCY) {
          const results = await Promise.all(page.registrations.slice(i, i + FEDERATION_SYNC_CONCURRENCY).map(async r => this.applyRegistration(r).catch(err => {
            if (!(err instanceof FederationRejectedError)) {
              throw err
            }
            this.recorder.rejected(err.reason)
            return false
          })))
          applied += results.filter(Boolean).length
        }
        for (const u of page.unregistrations) {
          await this.applyUnregistration(u).catch(err => {
            this.recorder.rejected(err instanceof FederationRejectedError ? err.reason : 'store')
          })
        }
        if (page.done || ++pages >= FEDERATION_SYNC_MAX_PAGES) {
          break
        }
      }
      await stream.close({ signal }).catch(() => {})
      this.recorder.sync('pulled')
      this.log('caught up from %p: %d registrations stored in %d ms', peer, applied, Math.round(performance.now() - started))
    } catch (err: any) {
      stream?.abort(err)
      this.recorder.sync('failed')
      this.log('could not catch up from %p - %e', peer, err)
    }
  }

  private async serveSync (stream: Stream, connection: Connection): Promise<void> {
    const remote = connection.remotePeer.toString()
    if (!this.config.members.has(remote)) {
      this.recorder.rejected('not-member')
      stream.abort(new FederationRejectedError('not-member', 'sync is for members of the federation'))
      return
    }
    const signal = AbortSignal.any([AbortSignal.timeout(FEDERATION_SYNC_TIMEOUT), this.controller?.signal ?? new AbortController().signal])
    try {
      const request = decodeSyncRequest(await readFirstFrame(stream, { maxFrameBytes: 1024, signal }))
      if (request.federation !== this.config.name) {
        throw new FederationRejectedError('malformed', `this point is not in federation ${request.federation}`)
      }
      let after = request.after
      for (let pages = 0; pages < FEDERATION_SYNC_MAX_PAGES; pages++) {
        const result = await this.server.store.discover({ after, limit: FEDERATION_SYNC_PAGE })
        const now = this.server.clock()
        const done = result.registrations.length < FEDERATION_SYNC_PAGE
        await writeFrame(stream, encodeSyncPage({
          registrations: result.registrations.filter(r => r.expiresAt > now).map(r => this.toMessage(r)),
          position: result.position,
          unregistrations: done ? this.unregistrationList(now) : [],
          done
        }), signal)
        after = result.position
        if (done) {
          break
        }
      }
      await stream.close({ signal })
      this.recorder.sync('served')
    } catch (err: any) {
      this.log('sync for %s failed - %e', remote, err)
      stream.abort(err)
    }
  }

  private toMessage (r: Registration): FederatedRegistrationMessage {
    const known = this.index.get(r.peerId)?.get(r.namespace)
    const dialect = known?.dialect ?? this.server.dialects.find(d => d.records.accepts.some(f => f.name === r.format))?.name ?? ''
    return { ns: r.namespace, signedPeerRecord: r.signedPeerRecord, ttl: r.ttl, registeredAt: r.registeredAt, dialect }
  }

  private unregistrationList (now: number): FederatedUnregistrationMessage[] {
    this.pruneUnregistrations(now)
    return [...this.unregistrations].map(([key, at]) => {
      const cut = key.indexOf('\n')
      return { peer: key.slice(0, cut), ns: key.slice(cut + 1), unregisteredAt: at }
    })
  }

  // --- what is held ---

  /** Registrations already in the store (a persistent one, after a restart) are known before anything is applied */
  private async buildIndex (): Promise<void> {
    let after = 0
    for (let pages = 0; pages < FEDERATION_SYNC_MAX_PAGES && this.started; pages++) {
      const result = await this.server.store.discover({ after, limit: 1000 })
      for (const r of result.registrations) {
        if (this.index.get(r.peerId)?.get(r.namespace) == null) {
          this.remember(r.peerId, r.namespace, { registeredAt: r.registeredAt, expiresAt: r.expiresAt })
        }
      }
      if (result.registrations.length < 1000) {
        return
      }
      after = result.position
    }
  }

  private entry (peer: string, namespace: string, now: number): Entry | undefined {
    const entry = this.index.get(peer)?.get(namespace)
    if (entry != null && entry.expiresAt <= now) {
      this.restore(peer, namespace, undefined)
      return undefined
    }
    return entry
  }

  private remember (peer: string, namespace: string, entry: Entry): void {
    let namespaces = this.index.get(peer)
    if (namespaces == null) {
      namespaces = new Map()
      this.index.set(peer, namespaces)
    }
    namespaces.set(namespace, entry)
  }

  private restore (peer: string, namespace: string, entry: Entry | undefined): void {
    if (entry != null) {
      this.remember(peer, namespace, entry)
      return
    }
    const namespaces = this.index.get(peer)
    namespaces?.delete(namespace)
    if (namespaces?.size === 0) {
      this.index.delete(peer)
    }
  }

  /** Drop what is held of registrations granted up to `at`, and remember the unregistration */
  private forget (peer: string, namespace: string, at: number): void {
    const namespaces = this.index.get(peer)
    for (const ns of namespace === '' ? [...(namespaces?.keys() ?? [])] : [namespace]) {
      const entry = namespaces?.get(ns)
      if (entry != null && entry.registeredAt <= at) {
        this.restore(peer, ns, undefined)
      }
    }
    const key = `${peer}\n${namespace}`
    this.unregistrations.delete(key)
    this.unregistrations.set(key, Math.max(at, this.unregistrations.get(key) ?? -1))
    while (this.unregistrations.size > this.config.maxUnregistrations) {
      const oldest = this.unregistrations.keys().next().value
      if (oldest == null) {
        break
      }
      this.unregistrations.delete(oldest)
    }
  }

  /** An unregistration matters while a registration granted before it could still be live */
  private pruneUnregistrations (now: number): void {
    const longest = Math.max(this.server.ttl.max, ...this.server.dialects.map(d => d.ttl.max)) * 1000
    for (const [key, at] of this.unregistrations) {
      if (at + longest < now) {
        this.unregistrations.delete(key)
      }
    }
  }

  /** Forget what is held of expired registrations, and unregistrations that no longer matter */
  private sweep (): void {
    const now = this.server.clock()
    for (const [peer, namespaces] of this.index) {
      for (const [ns, entry] of namespaces) {
        if (entry.expiresAt <= now) {
          namespaces.delete(ns)
        }
      }
      if (namespaces.size === 0) {
        this.index.delete(peer)
      }
    }
    this.pruneUnregistrations(now)
  }

  private redial (): void {
    if (!this.started) {
      return
    }
    for (const { peerId, multiaddr } of this.config.peers) {
      if (peerId.equals(this.components.peerId) || this.components.connectionManager.getConnections(peerId).length > 0) {
        continue
      }
      this.components.connectionManager.openConnection(multiaddr, { signal: this.controller?.signal }).catch(err => {
        this.log.trace('cannot reach federation peer %a - %e', multiaddr, err)
      })
    }
  }
}
