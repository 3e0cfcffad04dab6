/** A node with a gossipsub service: the service has the mesh, its exported interface leaves it out */
export interface MeshNode {
  peerId: { toString(): string }
  services: { pubsub: unknown }
}

/** The peers in `node`'s gossipsub mesh for `topic` */
export function meshPeers (node: MeshNode, topic: string): string[] {
  return (node.services.pubsub as { getMeshPeers(topic: string): string[] }).getMeshPeers(topic)
}

/** Whether the graph of the nodes' mesh links for `topic` reaches every node from the first */
export function meshIsConnected (nodes: MeshNode[], topic: string): boolean {
  const index = new Map(nodes.map((n, i) => [n.peerId.toString(), i]))
  const seen = new Set([0])
  const queue = [0]
  while (queue.length > 0) {
    const i = queue.shift() ?? 0
    for (const peer of meshPeers(nodes[i], topic)) {
      const j = index.get(peer)
      if (j != null && !seen.has(j)) {
        seen.add(j)
        queue.push(j)
      }
    }
  }
  return seen.size === nodes.length
}
