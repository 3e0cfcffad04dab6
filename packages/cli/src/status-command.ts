import { STATUS_TIMEOUT_MS } from './constants.ts'
import type { MetricsAddress } from './config.ts'
import type { OutputStreams } from './output.ts'
import type { PointStatus } from './point-status.ts'

function duration (s: number): string {
  const d = Math.floor(s / 86400)
  const h = Math.floor((s % 86400) / 3600)
  const m = Math.floor((s % 3600) / 60)
  if (d > 0) {
    return `${d}d ${h}h`
  }
  if (h > 0) {
    return `${h}h ${m}m`
  }
  return m > 0 ? `${m}m ${s % 60}s` : `${s}s`
}

/** Format rows as columns padded to the widest cell */
export function table (rows: string[][]): string {
  const widths = rows[0].map((_, i) => Math.max(...rows.map(r => r[i].length)))
  return rows.map(r => r.map((c, i) => i === r.length - 1 ? c : c.padEnd(widths[i])).join('  ')).join('\n') + '\n'
}

/** The status as `rendezvous status` prints it for people */
export function formatStatus (s: PointStatus): string {
  const facts = table([
    ['peer id', s.peerId],
    ['version', s.version],
    ['uptime', duration(s.uptimeSeconds)],
    ['store', `${s.store.kind}${s.store.path != null ? ` at ${s.store.path}` : ''}`],
    ['registrations', String(s.registrations)],
    ['connections', String(s.connections)],
    ['peer store', `${s.peerStore.peers} of ${s.peerStore.limit} peers`],
    ['protocols', s.protocols.join(', ')],
    ...s.addresses.map((a, i) => [i === 0 ? 'addresses' : '', a])
  ])
  const header = `namespaces: ${s.namespaces.total}${s.namespaces.truncated ? ' (counted up to a cap)' : ''}\n`
  const namespaces = s.namespaces.items.length === 0
    ? '  (none)\n'
    : table([['  NAMESPACE', 'REGISTRATIONS'], ...s.namespaces.items.map(n => [`  ${JSON.stringify(n.namespace)}`, String(n.registrations)])])
  const more = s.namespaces.total > s.namespaces.items.length ? `  … and ${s.namespaces.total - s.namespaces.items.length} more\n` : ''
  return `${facts}\n${header}${namespaces}${more}`
}

/**
 * `rendezvous status`: read `/api/status` from a daemon's admin server and print it as a table (or the
 * JSON as it came with `json`). Resolves the exit code: 0, or 1 when the admin server cannot be reached.
 */
export async function printStatus (admin: MetricsAddress, json: boolean, streams: OutputStreams): Promise<number> {
  const host = admin.host.includes(':') ? `[${admin.host}]` : admin.host
  const url = `http://${host}:${admin.port}/api/status?limit=500`
  let status: PointStatus
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(STATUS_TIMEOUT_MS) })
    if (!res.ok) {
      throw new Error(`HTTP ${res.status}`)
    }
    status = await res.json() as PointStatus
  } catch (err: any) {
    const reason = String(err?.cause?.code ?? err?.cause?.message ?? err?.message ?? err)
    streams.stderr.write(`rendezvous: cannot read the status from ${url} (${reason}); is a daemon running with --admin ${admin.host.includes(':') ? `[${admin.host}]` : admin.host}:${admin.port}?\n`)
    return 1
  }
  streams.stdout.write(json ? JSON.stringify(status) + '\n' : formatStatus(status))
  return 0
}
