import { Counter, Gauge } from 'prom-client'
import { METRIC_TOP_NAMESPACES, OTHER_NAMESPACES_LABEL } from './constants.ts'
import type { NamespaceCensus } from './namespace-census.ts'
import type { RendezvousServer, RequestEventDetail } from '@rendezvous/server'
import type { Registry } from 'prom-client'

/**
 * Per-namespace metrics with a bounded label set: the {@link METRIC_TOP_NAMESPACES} namespaces holding
 * the most live registrations (as of the last count) get their own `namespace` label, every other one is
 * summed under {@link OTHER_NAMESPACES_LABEL}, so peers inventing namespaces cannot grow a scrape.
 *
 * - `rendezvous_namespace_registrations{namespace}`: live registrations, counted at scrape time
 * - `rendezvous_namespace_requests_total{namespace,type,outcome}`: requests answered, `outcome` `ok` or `rejected`
 *
 * Returns a function that stops counting requests.
 */
export function registerNamespaceMetrics (registry: Registry, server: RendezvousServer, census: NamespaceCensus): () => void {
  // until the first scrape counts namespaces, every request is counted under (other)
  let top = new Set<string>()
  const labelOf = (namespace: string): string => top.has(namespace) ? namespace : OTHER_NAMESPACES_LABEL

  const registrations = new Gauge({
    name: 'rendezvous_namespace_registrations',
    help: `Live registrations by namespace: the ${METRIC_TOP_NAMESPACES} largest namespaces, the others summed as ${OTHER_NAMESPACES_LABEL}`,
    labelNames: ['namespace'],
    registers: [registry],
    collect: async () => {
      // a scrape must not fail because the store did (or was closed during shutdown)
      const counted = await census.get().catch(() => undefined)
      if (counted == null) {
        return
      }
      top = new Set(counted.namespaces.slice(0, METRIC_TOP_NAMESPACES).map(n => n.namespace))
      registrations.reset()
      let other = 0
      for (const { namespace, registrations: n } of counted.namespaces) {
        if (top.has(namespace)) {
          registrations.set({ namespace }, n)
        } else {
          other += n
        }
      }
      registrations.set({ namespace: OTHER_NAMESPACES_LABEL }, other)
    }
  })

  const requests = new Counter({
    name: 'rendezvous_namespace_requests_total',
    help: `Requests answered by namespace (the largest namespaces at the last scrape, the others as ${OTHER_NAMESPACES_LABEL}), type and outcome (ok, rejected)`,
    labelNames: ['namespace', 'type', 'outcome'],
    registers: [registry]
  })

  const onRequest = (evt: CustomEvent<RequestEventDetail>): void => {
    const d = evt.detail
    const outcome = d.status === 'OK' || d.status === '-' ? 'ok' : 'rejected'
    requests.inc({ namespace: labelOf(d.namespace), type: d.type, outcome })
  }
  server.events.addEventListener('request', onRequest)
  return () => {
    server.events.removeEventListener('request', onRequest)
  }
}
