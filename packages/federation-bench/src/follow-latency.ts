import { stopAll } from '@rendezvous/test-utils'
import { Arrivals } from './arrivals.ts'
import { meshPoints, startClient, startPoints } from './nodes.ts'
import { percentiles } from './percentiles.ts'
import type { Percentiles } from './percentiles.ts'

const CLIENTS = 5

/**
 * Follow latency: a follower follows every namespace at a point; a client REGISTERs (at the same point, or
 * at another point of a federation of two); one sample is the time from the client sending REGISTER to the
 * follower's batch holding it. One at a time, at most `samples` and `maxSeconds`.
 */
export async function measureFollowLatency (samples: number, maxSeconds: number, federated: boolean): Promise<Percentiles> {
  const points = await startPoints(federated ? 2 : 1, () => {})
  const clients = await Promise.all(Array.from({ length: CLIENTS }, async () => startClient(points)))
  const follower = await startClient(points)
  const controller = new AbortController()
  const arrived = new Arrivals<number>()
  try {
    if (federated) {
      await meshPoints(points)
    }
    const followed = points.at(-1)?.node.getMultiaddrs()[0]
    const follow = follower.services.rendezvous.follow('', { point: followed, signal: controller.signal })
    const live = new Arrivals<true>()
    const consuming = (async () => {
      for await (const batch of follow) {
        const at = performance.now()
        if (batch.live) {
          live.arrive('live', true)
        }
        for (const r of batch.registrations) {
          arrived.arrive(`${r.namespace} ${r.peerId.toString()}`, at)
        }
      }
    })()
    await live.wait('live', 10_000)
    const values: number[] = []
    const started = performance.now()
    for (let s = 0; s < samples && performance.now() - started < maxSeconds * 1000; s++) {
      const client = clients[s % CLIENTS]
      const ns = `follow-${s}`
      const sent = performance.now()
      const outcome = await client.services.rendezvous.register(ns, { points: [points[0].node.getMultiaddrs()[0]] })
      if (outcome[0]?.error != null) {
        throw outcome[0].error
      }
      values.push(await arrived.wait(`${ns} ${client.peerId.toString()}`, 10_000) - sent)
      await client.services.rendezvous.unregister(ns, { notify: false })
    }
    controller.abort()
    await consuming.catch(() => {})
    return percentiles(values)
  } finally {
    controller.abort()
    await stopAll(follower, ...clients, ...points.map(p => p.node))
  }
}
