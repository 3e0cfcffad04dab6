import { rm } from 'node:fs/promises'
import { noise } from '@chainsafe/libp2p-noise'
import { identify } from '@libp2p/identify'
import { ping } from '@libp2p/ping'
import { prometheusMetrics } from '@libp2p/prometheus-metrics'
import { tcp } from '@libp2p/tcp'
import { webSockets } from '@libp2p/websockets'
import { yamux } from '@libp2p/yamux'
import { multiaddr } from '@multiformats/multiaddr'
import { dialect } from '@rendezvous/codec'
import { ConnectionGuard, federationPubsub, quietLogger, rendezvousServer } from '@rendezvous/server'
import { resolveFederation } from '@rendezvous/server/internal'
import { createLibp2p } from 'libp2p'
import { startAdminServer } from './admin-server.ts'
import { DEFAULT_LIVENESS_INTERVAL, DEFAULT_LIVENESS_TIMEOUT, MAX_PENDING_INBOUND_CONNECTIONS } from './constants.ts'
import { loadCookieSecret, persistCookieSecret } from './cookie-secret.ts'
import { checkDataDirLock, lockDataDir } from './data-dir-lock.ts'
import { checkDataDir, createDataDir } from './data-dir.ts'
import { AddressInUseError, DaemonError } from './errors.ts'
import { loadIdentity, persistIdentity } from './identity.ts'
import { createMetricsRegistry, startMetricsEndpoint } from './metrics.ts'
import { MuxerLiveness } from './muxer-liveness.ts'
import { NamespaceCensus } from './namespace-census.ts'
import { registerNamespaceMetrics } from './namespace-metrics.ts'
import { noiseCrypto } from './noise-crypto.ts'
import { signStaticKeyOnce } from './noise-signature.ts'
import { PeerStoreDatastore } from './peer-store-datastore.ts'
import { StatusSource, pointBounds } from './point-status.ts'
import { probeListenAddresses } from './port-probe.ts'
import { RelayAdvertisement, holdsReservation, relayService } from './relay.ts'
import { openStore } from './store.ts'
import { loadTls } from './tls.ts'
import { packageVersion } from './version.ts'
import { warmUp } from './warm-up.ts'
import { coalesceSocketWrites } from './write-coalescing.ts'
import type { AdminServer } from './admin-server.ts'
import type { DaemonConfig } from './config.ts'
import type { DataDirLock } from './data-dir-lock.ts'
import type { MetricsEndpoint } from './metrics.ts'
import type { OpenedStore } from './store.ts'
import type { WarmUpResult } from './warm-up.ts'
import type { WriteCoalescing } from './write-coalescing.ts'
import type { CircuitRelayService } from '@libp2p/circuit-relay-v2'
import type { Identify } from '@libp2p/identify'
import type { Libp2p } from '@libp2p/interface'
import type { Ping } from '@libp2p/ping'
import type { RendezvousServer } from '@rendezvous/server'
import type { RegistrationStore } from '@rendezvous/store'

/** The services of the daemon's libp2p node */
export type DaemonServices = {
  identify: Identify
  ping: Ping
  rendezvous: RendezvousServer
  /** The circuit relay v2 server, with `--relay` */
  relay?: CircuitRelayService
  /** The Yamux ping check that closes the connections of vanished peers; absent with `--ping-interval` */
  liveness?: MuxerLiveness
}

/** A running rendezvous point */
export interface Daemon {
  /** The libp2p node; `node.services.rendezvous` is the rendezvous server */
  node: Libp2p<DaemonServices>
  /** The store registrations live in; closed by {@link Daemon.stop} */
  store: RegistrationStore
  /** The peer ID, as a string */
  peerId: string
  /** Every listen multiaddr, each ending in `/p2p/<peer id>` */
  multiaddrs: string[]
  /** The protocol IDs served */
  protocols: string[]
  /** The store's file or directory; `undefined` for the memory store */
  storePath?: string
  /** `http://<host>:<port>/metrics` when `--metrics` is on */
  metricsUrl?: string
  /** `http://<host>:<port>/` when `--admin` is on: the status page, and the JSON API under `/api/` */
  adminUrl?: string
  /** The multiaddrs the node listens on, each ending in `/p2p/<peer id>` ({@link Daemon.multiaddrs} are the announced ones when `--announce` is given) */
  listenAddrs: string[]
  /** The identity key file, and whether this start created it */
  identity: { path: string, created: boolean }
  /** What the warm-up did before the node listened (`config.warmUp`) */
  warmUp: WarmUpResult
  /**
   * Stop gracefully: no new streams, requests in flight are answered, connections close, then the store
   * is flushed and closed and the metrics endpoint stops. Calling it again returns the same promise.
   */
  stop(): Promise<void>
}

/** Seams for tests */
export interface DaemonHooks {
  /**
   * Runs after every check passed (data dir, key files, ports) and before anything is written, e.g. to
   * take a port in that gap and prove that a failed start removes what it created
   */
  beforeWrite?(): void | Promise<void>
  /**
   * A worker of `--workers N`: its primary checked the ports, holds the data directory's lock and wrote
   * the identity key, for all its workers
   */
  worker?: boolean
}

/** Everything a start made on disk, to take back if the start fails */
interface Footprint {
  createdDir?: string
  createdFiles: string[]
}

async function rollBack (footprint: Footprint): Promise<void> {
  const paths = footprint.createdDir != null ? [footprint.createdDir] : footprint.createdFiles
  for (const path of paths.reverse()) {
    await rm(path, { recursive: true, force: true }).catch(() => {})
  }
}

/** libp2p reports every address it could not listen on in one multi-line message; name the first */
function listenError (err: any): DaemonError {
  const message = String(err?.message ?? err)
  const first = /^\s*(\/\S+): (.+)$/m.exec(message)
  if (first != null) {
    const reason = /EADDRINUSE/.test(first[2]) ? 'address already in use' : first[2].trim()
    return new AddressInUseError(`cannot listen on ${first[1]}: ${reason}`, { cause: err })
  }
  return new DaemonError(`cannot start libp2p: ${message.replace(/\s*\n\s*/g, ' ')}`, { cause: err })
}

/**
 * The bound listen addresses. With --announce, `getMultiaddrs()` answers the announced ones only; the
 * node's address manager still knows what was bound (ports chosen by the OS included), though the public
 * interface does not expose it
 */
function listenAddrsOf (node: Libp2p<DaemonServices>): string[] {
  const manager = (node as unknown as { components?: { transportManager?: { getAddrs(): Array<{ toString(): string }> } } }).components?.transportManager
  return (manager?.getAddrs() ?? node.getMultiaddrs()).map(ma => ma.toString())
}

function withPeerId (address: string, peerId: string): string {
  const ma = multiaddr(address)
  return ma.getComponents().some(c => c.name === 'p2p') ? ma.toString() : ma.encapsulate(`/p2p/${peerId}`).toString()
}

/** What the admin server reports, from the running node and its store */
function statusSource (config: DaemonConfig, node: Libp2p<DaemonServices>, opened: OpenedStore, census: NamespaceCensus, peerStore: PeerStoreDatastore): StatusSource {
  const peerId = node.peerId.toString()
  return new StatusSource({
    peerId,
    version: packageVersion(),
    startedAt: Date.now(),
    pid: process.pid,
    addresses: () => node.getMultiaddrs().map(ma => withPeerId(ma.toString(), peerId)),
    protocols: config.dialects.map(d => dialect(d).protocol),
    store: { kind: config.store, ...(opened.path != null ? { path: opened.path } : {}) },
    ...pointBounds(config),
    connections: () => node.getConnections().length,
    peerStore: () => ({ peers: peerStore.size, limit: config.peerStoreLimit })
  }, opened.store, census)
}

/**
 * Start a rendezvous point as `rendezvous serve` does, and resolve once it listens.
 *
 * Nothing is written before every check that can fail has passed: the data directory is checked, an
 * existing identity key and cookie secret are read (new ones are generated in memory), every listen port
 * and the metrics address are bound once. Only then are the data directory, the key files and the store
 * created, and the node started. If the start still fails (a port taken in the meantime), what it created
 * is removed again.
 *
 * @throws {DaemonError} a subclass saying what failed and where; exit code 2 in the bin
 */
export async function startDaemon (config: DaemonConfig, hooks: DaemonHooks = {}): Promise<Daemon> {
  await checkDataDir(config.dataDir)
  if (hooks.worker !== true) {
    await checkDataDirLock(config.dataDir)
  }
  const identity = await loadIdentity(config.dataDir)
  // postgres keeps the fleet's cookie secret in the database (read once the store is open)
  const cookie = await loadCookieSecret(config.dataDir, config.store !== 'memory' && config.store !== 'postgres')
  if (hooks.worker !== true) {
    await probeListenAddresses(config.listen)
  }
  const tls = config.tls != null ? await loadTls(config.tls) : undefined

  let endpoint: MetricsEndpoint | undefined
  if (config.metrics != null) {
    endpoint = await startMetricsEndpoint(config.metrics, createMetricsRegistry())
  }

  const footprint: Footprint = { createdFiles: [] }
  let opened: OpenedStore | undefined
  let node: Libp2p<DaemonServices> | undefined
  let coalescing: WriteCoalescing | undefined
  let lock: DataDirLock | undefined
  let admin: AdminServer | undefined
  let advert: RelayAdvertisement | undefined
  let stopNamespaceMetrics = (): void => {}
  let identityCreated = false
  let warmed: WarmUpResult = { registers: 0, ms: 0 }
  try {
    await hooks.beforeWrite?.()
    footprint.createdDir = await createDataDir(config.dataDir)
    lock = hooks.worker === true ? undefined : await lockDataDir(config.dataDir)
    const keptIdentity = await persistIdentity(identity)
    if (keptIdentity.created) {
      footprint.createdFiles.push(identity.path)
      identityCreated = true
    }
    const keptCookie = await persistCookieSecret(cookie)
    if (keptCookie.created && cookie.path != null) {
      footprint.createdFiles.push(cookie.path)
    }
    opened = await openStore(config.store, config.dataDir, config.databaseUrl)
    footprint.createdFiles.push(...opened.createdPaths)

    // federation (docs/federation.md): the other members' connections carry gossip, never a rendezvous stream
    const federation = config.federation == null ? undefined : { name: config.federation.name, peers: config.federation.peers }
    const members = new Set(federation == null ? [] : resolveFederation(federation).members)
    const identifyOnConnect = config.identifyEveryConnection === true || federation != null || config.relay != null
    const guard = new ConnectionGuard({
      maxConnections: config.maxConnections,
      maxPendingPerIp: config.maxHandshakesPerIp,
      maxUnprovenPerIp: config.maxIdleConnectionsPerIp,
      idleTimeout: config.idleConnectionTimeout * 1000,
      // a reservation holder is reachable only through its idle connection to the relay
      keep: (connection) => (node?.services.relay != null && holdsReservation(node.services.relay, connection)) || members.has(connection.remotePeer.toString())
    })
    coalescing = config.coalesceWrites === false ? undefined : coalesceSocketWrites()
    const peerStore = new PeerStoreDatastore(config.peerStoreLimit, keptIdentity.identity.privateKey.publicKey)
    // vanished peers are found with Yamux ping frames, no stream per ping, unless --ping-interval asks for
    // js-libp2p's connection monitor (docs/performance.md, "Memory per idle connection")
    const liveness = config.pingInterval != null
      ? undefined
      : new MuxerLiveness({
        interval: (config.livenessInterval ?? DEFAULT_LIVENESS_INTERVAL) * 1000,
        timeout: (config.livenessTimeout ?? DEFAULT_LIVENESS_TIMEOUT) * 1000
      })
    node = await createLibp2p({
      start: false,
      privateKey: keptIdentity.identity.privateKey,
      nodeInfo: { name: '@rendezvous/cli', version: packageVersion() },
      // the peer store only: bounded, where js-libp2p's default keeps every peer ever seen (peer-store-datastore.ts)
      datastore: peerStore,
      // with DEBUG unset nothing is logged anyway; the quiet logger spares creating a logger per stream
      ...(process.env.DEBUG == null || process.env.DEBUG === '' ? { logger: quietLogger() } : {}),
      addresses: { listen: config.listen, ...(config.announce.length > 0 ? { announce: config.announce } : {}) },
      transports: [tcp(), webSockets(tls != null ? { https: { cert: tls.cert, key: tls.key } } : {})],
      connectionEncrypters: [signStaticKeyOnce(noise({ crypto: noiseCrypto }))],
      // the liveness check's pings keep idle connections open through NATs as Yamux's own keep-alive would:
      // that one (a timer per connection, and a ping it never acts on) is off when the check runs
      streamMuxers: [liveness != null ? liveness.watch(yamux({ enableKeepAlive: false })) : yamux()],
      // libp2p refuses new connections at its own limit: the guard prunes below it instead
      connectionManager: {
        maxConnections: guard.libp2pMaxConnections,
        inboundConnectionThreshold: config.connectionRatePerIp,
        maxIncomingPendingConnections: MAX_PENDING_INBOUND_CONNECTIONS,
        inboundUpgradeTimeout: config.handshakeTimeout * 1000
      },
      connectionGater: guard.gater,
      connectionMonitor: config.pingInterval != null ? { pingInterval: config.pingInterval * 1000 } : { enabled: false },
      ...(endpoint != null
        ? { metrics: prometheusMetrics({ registry: endpoint.registry, statfsLocation: config.dataDir }) }
        : {}),
      services: {
        // a point needs a peer's agent version only to serve some DISCOVERs, and then asks that peer itself;
        // gossipsub (federation) learns its peers' protocols from identify, so a member identifies everyone
        identify: identify({ runOnConnectionOpen: identifyOnConnect }),
        ping: ping(),
        rendezvous: rendezvousServer({
          store: opened.store,
          dialects: config.dialects.map(d => dialect(d)),
          ttl: { min: config.minTtl, max: config.maxTtl, default: config.defaultTtl },
          maxRegistrationsPerPeer: config.maxRegistrationsPerPeer,
          maxRegistrations: config.maxRegistrations,
          maxDiscoverLimit: config.maxDiscoverLimit,
          maxRecordBytes: config.maxRecordBytes,
          discoverBytesPerSecond: config.discoverBytesPerSecond,
          connectionGuard: guard,
          cookieSecret: opened.cookieSecret ?? keptCookie.cookie.secret,
          federation,
          identifyService: identifyOnConnect ? undefined : 'identify'
        }),
        ...(federation != null ? { pubsub: federationPubsub() } : {}),
        ...(config.relay != null ? { relay: relayService(config.relay) } : {}),
        ...(liveness != null ? { liveness: () => liveness } : {})
      }
    })
    // before the node listens, so no peer waits on it: the same transport, Noise and Yamux as the node's
    warmed = await warmUp(config.warmUp, config.dialects.map(d => dialect(d)), {
      encrypter: () => signStaticKeyOnce(noise({ crypto: noiseCrypto })),
      muxer: () => yamux({ enableKeepAlive: false })
    })
    try {
      await node.start()
    } catch (err) {
      throw listenError(err)
    }
    if (config.relay != null) {
      advert = new RelayAdvertisement({ node, privateKey: keptIdentity.identity.privateKey, store: opened.store, ttl: config.defaultTtl })
      await advert.start()
    }
    const census = new NamespaceCensus(opened.store)
    if (endpoint != null) {
      stopNamespaceMetrics = registerNamespaceMetrics(endpoint.registry, node.services.rendezvous, census)
    }
    if (config.admin != null) {
      admin = await startAdminServer(config.admin, statusSource(config, node, opened, census, peerStore))
    }
  } catch (err: any) {
    stopNamespaceMetrics()
    await advert?.stop().catch(() => {})
    await admin?.close().catch(() => {})
    await Promise.resolve(node?.stop()).catch(() => {})
    coalescing?.stop()
    await Promise.resolve(opened?.store.close()).catch(() => {})
    await endpoint?.close().catch(() => {})
    await lock?.release()
    await rollBack(footprint)
    if (err instanceof DaemonError) {
      throw err
    }
    throw new DaemonError(`cannot start: ${String(err?.message ?? err).replace(/\s*\n\s*/g, ' ')}`, { cause: err })
  }

  const running = node
  const store = opened.store
  const held = lock
  const adminServer = admin
  const relayAdvert = advert
  const peerId = running.peerId.toString()
  let stopping: Promise<void> | undefined

  return {
    node: running,
    store,
    peerId,
    multiaddrs: running.getMultiaddrs().map(ma => withPeerId(ma.toString(), peerId)),
    protocols: config.dialects.map(d => dialect(d).protocol),
    ...(opened.path != null ? { storePath: opened.path } : {}),
    ...(endpoint != null ? { metricsUrl: endpoint.url } : {}),
    ...(admin != null ? { adminUrl: admin.url } : {}),
    listenAddrs: listenAddrsOf(running).map(ma => withPeerId(ma, peerId)),
    identity: { path: identity.path, created: identityCreated },
    warmUp: warmed,
    stop: async () => {
      stopping ??= (async () => {
        try {
          stopNamespaceMetrics()
          await adminServer?.close()
          await relayAdvert?.stop()
          // libp2p stops its components all at once, closing connections while the server still answers
          // requests in flight; stopping the server first lets it finish them on open connections
          await running.services.rendezvous.stop()
          await running.stop()
        } finally {
          coalescing?.stop()
          try {
            await store.close()
          } finally {
            try {
              await endpoint?.close()
            } finally {
              await held?.release()
            }
          }
        }
      })()
      return stopping
    }
  }
}
