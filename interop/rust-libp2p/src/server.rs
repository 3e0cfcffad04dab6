//! `rust-rdv server`: rust-libp2p's rendezvous server with its default configuration
//! (TTL 2 h to 72 h, 32 registrations per peer), in memory as the crate keeps them.

use std::collections::HashMap;

use futures::StreamExt;
use libp2p::{
    identify, ping, rendezvous,
    swarm::{NetworkBehaviour, SwarmEvent},
    Multiaddr,
};
use serde_json::json;
use tokio::io::AsyncReadExt;

use crate::output;

/// identify (its agent version, `rust-libp2p/<version>`, is the crate's default), ping and
/// the rendezvous server
#[derive(NetworkBehaviour)]
struct ServerPeer {
    identify: identify::Behaviour,
    ping: ping::Behaviour,
    rendezvous: rendezvous::server::Behaviour,
}

pub async fn run(flags: &HashMap<String, String>) -> Result<(), String> {
    let listen: Multiaddr = flags
        .get("listen")
        .map(String::as_str)
        .unwrap_or("/ip4/127.0.0.1/tcp/0")
        .parse()
        .map_err(|e| format!("--listen: {e}"))?;
    let keypair = crate::load_key(flags.get("key"))?;
    let mut swarm = crate::swarm::build(keypair, |key| ServerPeer {
        identify: crate::swarm::identify(key),
        ping: ping::Behaviour::new(ping::Config::new()),
        rendezvous: rendezvous::server::Behaviour::new(rendezvous::server::Config::default()),
    })?;
    swarm
        .listen_on(listen)
        .map_err(|e| format!("listen: {e}"))?;
    let peer_id = *swarm.local_peer_id();

    // the harness ends a server by closing its stdin
    let (closed_tx, mut closed) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(async move {
        let mut stdin = tokio::io::stdin();
        let mut buf = [0u8; 256];
        while let Ok(n) = stdin.read(&mut buf).await {
            if n == 0 {
                break;
            }
        }
        let _ = closed_tx.send(());
    });

    loop {
        tokio::select! {
            _ = &mut closed => break,
            event = swarm.select_next_some() => match event {
                SwarmEvent::NewListenAddr { address, .. } => {
                    output::emit(json!({
                        "event": "ready",
                        "role": "server",
                        "peerId": peer_id.to_string(),
                        "multiaddrs": [format!("{address}/p2p/{peer_id}")],
                    }));
                }
                _ => {}
            }
        }
    }
    output::emit(json!({ "event": "stopped" }));
    Ok(())
}
