import { stopAll } from '@rendezvous/test-utils'
import { Arrivals } from './arrivals.ts'
import { meshPoints, startClient, startPoints } from './nodes.ts'
import { percentiles } from './percentiles.ts'
import type { Percentiles } from './percentiles.ts'

const CLIENTS = 5

/**
 * Federation convergence: a client REGISTERs at one point (in turn each point), and the time from the
 * origin point storing it to the last of the other points storing it is one sample. One registration at a
 * time, at most `samples` of them and at most `maxSeconds`.
 */
export async function measureConvergence (pointCount: number, samples: number, maxSeconds: number): Promise<Percentiles> {
  // `ns peer` → the times each point stored it
  const stored = new Map<string, Map<number, number>>()
  const converged = new Arrivals<Map<number, number>>()
  const points = await startPoints(pointCount, (point, registration, at) => {
    const key = `${registration.namespace} ${registration.peerId}`
    const times = stored.get(key) ?? new Map<number, number>()
    stored.set(key, times)
    times.set(point, at)
    if (times.size === pointCount) {
      converged.arrive(key, times)
    }
  })
  const clients = await Promise.all(Array.from({ length: CLIENTS }, async () => startClient(points)))
  try {
    await meshPoints(points)
    const values: number[] = []
    const started = performance.now()
    for (let s = 0; s < samples && performance.now() - started < maxSeconds * 1000; s++) {
      const client = clients[s % CLIENTS]
      const origin = s % pointCount
      const ns = `convergence-${s}`
      const outcome = await client.services.rendezvous.register(ns, { points: [points[origin].node.getMultiaddrs()[0]] })
      if (outcome[0]?.error != null) {
        throw outcome[0].error
      }
      const times = await converged.wait(`${ns} ${client.peerId.toString()}`, 10_000)
      const from = times.get(origin) ?? NaN
      values.push(Math.max(...times.values()) - from)
      // keep the client from scheduling refreshes of namespaces the benchmark is done with
      await client.services.rendezvous.unregister(ns, { notify: false })
    }
    return percentiles(values)
  } finally {
    await stopAll(...clients, ...points.map(p => p.node))
  }
}
