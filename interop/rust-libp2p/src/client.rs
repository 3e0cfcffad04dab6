//! `rust-rdv client`: rust-libp2p's rendezvous client, one op after the other, each
//! answered by the behaviour's event for it (or by the op's time bound).

use std::{collections::HashMap, time::Duration};

use futures::StreamExt;
use libp2p::{
    core::PeerRecord,
    identify,
    identity::Keypair,
    multiaddr::Protocol,
    ping,
    rendezvous::{self, Cookie, Namespace},
    swarm::{NetworkBehaviour, SwarmEvent},
    Multiaddr, PeerId, Swarm,
};
use serde_json::{json, Value};
use tokio::time::Instant;

use crate::output;

/// identify (its agent version, `rust-libp2p/<version>`, is the crate's default), ping and
/// the rendezvous client
#[derive(NetworkBehaviour)]
struct ClientPeer {
    identify: identify::Behaviour,
    ping: ping::Behaviour,
    rendezvous: rendezvous::client::Behaviour,
}

type Event = SwarmEvent<ClientPeerEvent>;

struct Session {
    swarm: Swarm<ClientPeer>,
    server: PeerId,
    timeout: Duration,
    last_cookie: Option<Cookie>,
    /// The identity, for the `record` op
    keypair: Keypair,
}

pub async fn run(flags: &HashMap<String, String>) -> Result<(), String> {
    let server_addr: Multiaddr = flags
        .get("server")
        .ok_or("--server is required")?
        .parse()
        .map_err(|e| format!("--server: {e}"))?;
    let Some(Protocol::P2p(server)) = server_addr.iter().last() else {
        return Err("--server needs /p2p/<peer id>".into());
    };
    let timeout = Duration::from_millis(
        flags
            .get("timeout-ms")
            .map(|t| t.parse::<u64>())
            .transpose()
            .map_err(|e| format!("--timeout-ms: {e}"))?
            .unwrap_or(10_000),
    );
    let ops: Vec<Value> =
        serde_json::from_str(flags.get("ops-json").map(String::as_str).unwrap_or("[]"))
            .map_err(|e| format!("--ops-json: {e}"))?;
    let keypair = crate::load_key(flags.get("key"))?;
    let identity = keypair.clone();

    let swarm = crate::swarm::build(keypair, |key| ClientPeer {
        identify: crate::swarm::identify(key),
        ping: ping::Behaviour::new(ping::Config::new()),
        rendezvous: rendezvous::client::Behaviour::new(key.clone()),
    })?;
    let mut session = Session {
        swarm,
        server,
        timeout,
        last_cookie: None,
        keypair: identity,
    };
    session.connect(server_addr).await?;

    for op in &ops {
        let result = session.op(op).await;
        output::emit(result);
    }
    output::emit(json!({ "event": "done" }));
    Ok(())
}

impl Session {
    /// Listen (the listen address is the one the records carry), dial the point, and wait
    /// until identify has gone both ways, so the point knows this peer's agent version
    /// before the first request.
    async fn connect(&mut self, server_addr: Multiaddr) -> Result<(), String> {
        self.swarm
            .listen_on("/ip4/127.0.0.1/tcp/0".parse().expect("a multiaddr"))
            .map_err(|e| format!("listen: {e}"))?;
        self.swarm
            .dial(server_addr.clone())
            .map_err(|e| format!("dial {server_addr}: {e}"))?;
        let deadline = Instant::now() + self.timeout;
        let (mut listening, mut received, mut sent) = (None::<Multiaddr>, false, false);
        while listening.is_none() || !received || !sent {
            let event = tokio::time::timeout_at(deadline, self.swarm.select_next_some())
                .await
                .map_err(|_| {
                    format!(
                        "connecting to {server_addr}: no identify exchange within {:?}",
                        self.timeout
                    )
                })?;
            match event {
                SwarmEvent::NewListenAddr { address, .. } => {
                    self.swarm.add_external_address(address.clone());
                    listening = Some(address);
                }
                SwarmEvent::OutgoingConnectionError { error, .. } => {
                    return Err(format!("dial {server_addr}: {error}"))
                }
                SwarmEvent::Behaviour(ClientPeerEvent::Identify(identify::Event::Received {
                    peer_id,
                    ..
                })) if peer_id == self.server => received = true,
                SwarmEvent::Behaviour(ClientPeerEvent::Identify(identify::Event::Sent {
                    peer_id,
                    ..
                })) if peer_id == self.server => sent = true,
                _ => {}
            }
        }
        let peer_id = *self.swarm.local_peer_id();
        let address = listening.expect("listening");
        output::emit(json!({
            "event": "ready",
            "role": "client",
            "peerId": peer_id.to_string(),
            "multiaddrs": [format!("{address}/p2p/{peer_id}")],
            "serverPeerId": self.server.to_string(),
        }));
        Ok(())
    }

    /// The next event that `wanted` maps to a result, within the op's bound
    async fn wait(
        &mut self,
        name: &str,
        mut wanted: impl FnMut(&mut Self, Event) -> Option<Value>,
    ) -> Value {
        let deadline = Instant::now() + self.timeout;
        loop {
            match tokio::time::timeout_at(deadline, self.swarm.select_next_some()).await {
                Err(_) => {
                    return json!({ "event": name, "ok": false, "error": format!("no answer within {:?}", self.timeout) })
                }
                Ok(SwarmEvent::NewListenAddr { address, .. }) => {
                    self.swarm.add_external_address(address)
                }
                Ok(event) => {
                    if let Some(result) = wanted(self, event) {
                        return result;
                    }
                }
            }
        }
    }

    async fn op(&mut self, op: &Value) -> Value {
        let name = op["op"].as_str().unwrap_or("").to_string();
        let ns = op["ns"].as_str().map(str::to_string);
        match name.as_str() {
            "register" => {
                let Some(namespace) = self.namespace(&name, ns.clone()) else {
                    return refused(&name, ns);
                };
                let ttl = op["ttl"].as_u64();
                if let Err(e) =
                    self.swarm
                        .behaviour_mut()
                        .rendezvous
                        .register(namespace, self.server, ttl)
                {
                    return json!({ "event": name, "ns": ns, "ok": false, "error": e.to_string() });
                }
                self.wait("register", |_, event| match event {
                    SwarmEvent::Behaviour(ClientPeerEvent::Rendezvous(rendezvous::client::Event::Registered { ttl, namespace, .. })) => {
                        Some(json!({ "event": "register", "ns": namespace.to_string(), "ok": true, "ttl": ttl }))
                    }
                    SwarmEvent::Behaviour(ClientPeerEvent::Rendezvous(rendezvous::client::Event::RegisterFailed { error, namespace, .. })) => {
                        Some(json!({ "event": "register", "ns": namespace.to_string(), "ok": false, "status": output::status(error), "error": format!("{error:?}") }))
                    }
                    _ => None,
                })
                .await
            }
            "discover" => {
                let namespace = match ns.clone() {
                    None => None,
                    Some(text) => match self.namespace(&name, Some(text)) {
                        Some(namespace) => Some(namespace),
                        None => return refused(&name, ns),
                    },
                };
                let cookie = match op["cookie"].as_str() {
                    None => None,
                    Some("last") => self.last_cookie.clone(),
                    Some(text) => match output::unhex(text)
                        .and_then(|b| Cookie::from_wire_encoding(b).map_err(|e| e.to_string()))
                    {
                        Ok(cookie) => Some(cookie),
                        Err(e) => {
                            return json!({ "event": name, "ok": false, "error": format!("cookie: {e}") })
                        }
                    },
                };
                self.swarm.behaviour_mut().rendezvous.discover(
                    namespace,
                    cookie,
                    op["limit"].as_u64(),
                    self.server,
                );
                self.wait("discover", |session, event| match event {
                    SwarmEvent::Behaviour(ClientPeerEvent::Rendezvous(rendezvous::client::Event::Discovered { registrations, cookie, .. })) => {
                        session.last_cookie = Some(cookie.clone());
                        Some(json!({
                            "event": "discover",
                            "ns": ns,
                            "ok": true,
                            "registrations": registrations.iter().map(output::registration).collect::<Vec<_>>(),
                            "cookie": output::hex(&cookie.into_wire_encoding()),
                        }))
                    }
                    SwarmEvent::Behaviour(ClientPeerEvent::Rendezvous(rendezvous::client::Event::DiscoverFailed { error, .. })) => {
                        Some(json!({ "event": "discover", "ns": ns, "ok": false, "status": output::status(error), "error": format!("{error:?}") }))
                    }
                    _ => None,
                })
                .await
            }
            "unregister" => {
                // UNREGISTER has no answer: the request is queued and the op is done
                let Some(namespace) = self.namespace(&name, ns.clone()) else {
                    return refused(&name, ns);
                };
                self.swarm
                    .behaviour_mut()
                    .rendezvous
                    .unregister(namespace, self.server);
                json!({ "event": name, "ns": ns, "ok": true })
            }
            "record" => {
                let addresses: Vec<Multiaddr> = self.swarm.external_addresses().cloned().collect();
                match PeerRecord::new(&self.keypair, addresses) {
                    Ok(record) => {
                        json!({ "event": name, "ok": true, "envelope": output::hex(&record.into_signed_envelope().into_protobuf_encoding()) })
                    }
                    Err(e) => json!({ "event": name, "ok": false, "error": e.to_string() }),
                }
            }
            "sleep" => {
                let ms = op["ms"].as_u64().unwrap_or(0);
                let until = Instant::now() + Duration::from_millis(ms);
                // keep the swarm running meanwhile
                while let Ok(_) =
                    tokio::time::timeout_at(until, self.swarm.select_next_some()).await
                {
                }
                json!({ "event": name, "ok": true, "ms": ms })
            }
            other => json!({ "event": "error", "message": format!("unknown op {other}") }),
        }
    }

    fn namespace(&self, _op: &str, ns: Option<String>) -> Option<Namespace> {
        ns.and_then(|text| Namespace::new(text).ok())
    }
}

/// The crate's client refuses a namespace over 255 bytes before anything is sent
fn refused(op: &str, ns: Option<String>) -> Value {
    json!({ "event": op, "ns": ns, "ok": false, "error": "client: namespace too long (rust-libp2p refuses to send it)" })
}
