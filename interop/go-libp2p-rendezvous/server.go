package main

import (
	"context"

	ma "github.com/multiformats/go-multiaddr"
	rendezvous "github.com/waku-org/go-libp2p-rendezvous"
	sqlite "github.com/waku-org/go-libp2p-rendezvous/db/sqlite"
	"rendezvous.local/interop/peerkit"
)

// runServer runs the library's RendezvousService over its SQLite DB until ctx
// is done. go-waku runs the service the same way (rendezvous.NewRendezvousService
// with the db/sqlite package).
func runServer(ctx context.Context, args []string, out *peerkit.Emitter) int {
	fs := stderrLog.FlagSet("server")
	listen := fs.String("listen", "/ip4/127.0.0.1/tcp/0", "multiaddr to listen on")
	dbPath := fs.String("db", ":memory:", "SQLite file of the registrations (:memory: keeps them in memory)")
	keyFile := fs.String("key", "", "private key file (libp2p protobuf); a fresh Ed25519 key without it")
	if !out.Parse(fs, args) {
		return 2
	}
	laddr, err := ma.NewMultiaddr(*listen)
	if err != nil {
		out.Errorf("bad --listen multiaddr: %v", err)
		return 2
	}
	h, err := newHost(*keyFile, laddr)
	if err != nil {
		out.Errorf("host: %v", err)
		return 1
	}
	defer h.Close()

	db, err := sqlite.OpenDB(ctx, *dbPath)
	if err != nil {
		out.Errorf("sqlite %s: %v", *dbPath, err)
		return 1
	}
	defer db.Close()
	rendezvous.NewRendezvousService(h, db)

	out.Emit(peerkit.ReadyEvent{Event: "ready", Role: "server", PeerID: h.ID().String(), Multiaddrs: fullAddrs(h)})
	logf("server %s listening on %v, db %s", h.ID(), h.Addrs(), *dbPath)
	<-ctx.Done()
	out.Emit(map[string]string{"event": "stopped"})
	return 0
}
