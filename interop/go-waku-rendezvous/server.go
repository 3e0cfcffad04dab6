package main

import (
	"context"
	"io"

	ma "github.com/multiformats/go-multiaddr"
	rendezvous "github.com/status-im/go-waku-rendezvous"
	"github.com/syndtr/goleveldb/leveldb"
	lstorage "github.com/syndtr/goleveldb/leveldb/storage"
	"github.com/syndtr/goleveldb/leveldb/util"
	"rendezvous.local/interop/peerkit"
)

// levelDB adapts goleveldb to the reference's rendezvous.DB interface, as
// shown in the reference README.
type levelDB struct{ db *leveldb.DB }

func (l levelDB) Put(k, v []byte) error { return l.db.Put(k, v, nil) }
func (l levelDB) Delete(k []byte) error { return l.db.Delete(k, nil) }
func (l levelDB) NewIterator(prefix []byte) rendezvous.Iterator {
	return l.db.NewIterator(util.BytesPrefix(prefix), nil)
}

// runServer runs the reference rendezvous service until ctx is done.
func runServer(ctx context.Context, args []string, stdout io.Writer) int {
	out := peerkit.NewEmitter(stdout, stderrLog)
	fs := stderrLog.FlagSet("server")
	listen := fs.String("listen", "/ip4/127.0.0.1/tcp/0", "multiaddr to listen on")
	keyFile := fs.String("key", "", "private key file (created with a new Ed25519 key if missing)")
	_ = fs.Bool("ignore-stdin", false, "do not exit when stdin closes (handled by main)")
	if !out.Parse(fs, args) {
		return 2
	}
	if fs.NArg() > 0 {
		out.Errorf("server: unexpected arguments %v", fs.Args())
		return 2
	}
	laddr, err := ma.NewMultiaddr(*listen)
	if err != nil {
		out.Errorf("bad --listen multiaddr: %v", err)
		return 2
	}
	h, err := newHost(*keyFile, []ma.Multiaddr{laddr})
	if err != nil {
		out.Errorf("host: %v", err)
		return 1
	}
	defer h.Close()

	db, err := leveldb.Open(lstorage.NewMemStorage(), nil)
	if err != nil {
		out.Errorf("leveldb: %v", err)
		return 1
	}
	defer db.Close()

	svc := rendezvous.NewRendezvousService(h, rendezvous.NewStorage(levelDB{db}))
	if err := svc.Start(); err != nil {
		out.Errorf("rendezvous service: %v", err)
		return 1
	}
	defer svc.Stop()

	out.Emit(peerkit.ReadyEvent{Event: "ready", Role: "server", PeerID: h.ID().String(), Multiaddrs: fullAddrs(h)})
	logf("server %s listening on %v", h.ID(), h.Addrs())
	<-ctx.Done()
	logf("server stopping")
	out.Emit(struct {
		Event string `json:"event"`
	}{"stopped"})
	return 0
}
