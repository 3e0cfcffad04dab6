import { createServer } from 'node:net'
import { multiaddr } from '@multiformats/multiaddr'
import { AddressInUseError } from './errors.ts'

/** A short reason for a failed bind, for one-line errors */
export function bindErrorReason (err: any): string {
  if (err?.code === 'EADDRINUSE') {
    return 'address already in use'
  }
  if (err?.code === 'EADDRNOTAVAIL') {
    return 'address not available on this machine'
  }
  if (err?.code === 'EACCES') {
    return 'permission denied'
  }
  return String(err?.code ?? err?.message ?? err)
}

/** Bind `host:port` and let go of it at once; throws the bind error */
export async function probePort (host: string, port: number, ipv6Only = false): Promise<void> {
  const server = createServer()
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    // as libp2p's TCP and WebSocket listeners bind IPv6 addresses
    server.listen({ host, port, exclusive: true, ipv6Only }, () => { resolve() })
  })
  await new Promise<void>(resolve => { server.close(() => { resolve() }) })
}

/**
 * Check that every listen address with a fixed port can be bound, before the daemon writes anything:
 * libp2p finds a port in use only when it starts listening, which is after the identity and the store
 * exist. An address with port 0 is probed too: that checks the IP address belongs to this machine.
 * Throws {@link AddressInUseError}.
 */
export async function probeListenAddresses (addresses: string[]): Promise<void> {
  for (const address of addresses) {
    const [ip, tcp] = multiaddr(address).getComponents()
    const port = Number(tcp?.value)
    if (ip?.value == null || !Number.isInteger(port)) {
      continue
    }
    try {
      await probePort(ip.value, port, ip.name === 'ip6')
    } catch (err: any) {
      throw new AddressInUseError(`cannot listen on ${address}: ${bindErrorReason(err)}`, { cause: err })
    }
  }
}
