//! What the server and the client modes share: the node's transport (TCP with Noise and
//! Yamux), identify beside the rendezvous behaviour, and connections kept while the harness
//! runs its ops.

use std::time::Duration;

use libp2p::{identify, identity::Keypair, noise, swarm::NetworkBehaviour, tcp, yamux, Swarm};

/// identify with the protocol version every libp2p node announces (its agent version,
/// `rust-libp2p/<version>`, is the crate's default)
pub fn identify(key: &Keypair) -> identify::Behaviour {
    identify::Behaviour::new(identify::Config::new("/ipfs/id/1.0.0".into(), key.public()))
}

/// A swarm of `keypair` on TCP + Noise + Yamux, with the behaviour `behaviour` makes; idle
/// connections live 10 min, longer than any run of the harness
pub fn build<B: NetworkBehaviour>(
    keypair: Keypair,
    behaviour: impl FnOnce(&Keypair) -> B,
) -> Result<Swarm<B>, String> {
    Ok(libp2p::SwarmBuilder::with_existing_identity(keypair)
        .with_tokio()
        .with_tcp(
            tcp::Config::default().nodelay(true),
            noise::Config::new,
            yamux::Config::default,
        )
        .map_err(|e| format!("tcp: {e}"))?
        .with_behaviour(behaviour)
        .map_err(|e| format!("behaviour: {e}"))?
        .with_swarm_config(|c| c.with_idle_connection_timeout(Duration::from_secs(600)))
        .build())
}
