//! rust-rdv: rust-libp2p's rendezvous server and client (`/rendezvous/1.0.0`) for the
//! interop harness of this repository. Every line on stdout is one JSON object; logs go
//! to stderr.
//!
//! ```text
//! rust-rdv server [--listen <multiaddr>]            (exits when stdin closes)
//! rust-rdv client --server <multiaddr/p2p/id> [--key <file>] [--timeout-ms <n>] --ops-json <json>
//! ```
//!
//! Client ops: `register{ns,ttl}`, `discover{ns,limit,cookie}` (no `ns`: every namespace;
//! `cookie` is hex, or `"last"` for the previous answer's cookie), `unregister{ns}`, `record`,
//! `sleep{ms}`.

mod client;
mod output;
mod server;
mod swarm;

use std::{collections::HashMap, process::ExitCode};

use libp2p::identity::Keypair;

/// `--name value` pairs after the subcommand
fn parse_flags(args: &[String]) -> Result<HashMap<String, String>, String> {
    let mut flags = HashMap::new();
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        let name = arg
            .strip_prefix("--")
            .ok_or_else(|| format!("unexpected argument {arg}"))?;
        let value = it.next().ok_or_else(|| format!("--{name} needs a value"))?;
        flags.insert(name.to_string(), value.clone());
    }
    Ok(flags)
}

fn load_key(path: Option<&String>) -> Result<Keypair, String> {
    match path {
        None => Ok(Keypair::generate_ed25519()),
        Some(path) => {
            let bytes = std::fs::read(path).map_err(|e| format!("key file {path}: {e}"))?;
            Keypair::from_protobuf_encoding(&bytes).map_err(|e| format!("key file {path}: {e}"))
        }
    }
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(command) = args.first() else {
        eprintln!("usage: rust-rdv server|client [flags]");
        return ExitCode::from(2);
    };
    let flags = match parse_flags(&args[1..]) {
        Ok(flags) => flags,
        Err(message) => {
            output::error(&message);
            return ExitCode::from(2);
        }
    };
    // the server may use every core (connection upgrades run as tasks), as the Go server does; a client
    // is one peer and needs one thread
    let runtime = if command == "server" {
        tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()
    } else {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
    }
    .expect("a tokio runtime");
    let result = runtime.block_on(async {
        match command.as_str() {
            "server" => server::run(&flags).await,
            "client" => client::run(&flags).await,
            other => Err(format!("unknown subcommand {other}")),
        }
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            output::error(&message);
            ExitCode::from(1)
        }
    }
}
