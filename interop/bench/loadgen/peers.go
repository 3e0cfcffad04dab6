package main

import (
	"bufio"
	"context"
	"crypto/ed25519"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"runtime"
	"sync"
	"time"

	"github.com/libp2p/go-libp2p/core/crypto"
	"github.com/libp2p/go-libp2p/core/peer"
	"github.com/libp2p/go-libp2p/core/record"
	"github.com/libp2p/go-libp2p/core/transport"
	msmux "github.com/libp2p/go-libp2p/p2p/muxer/muxer-multistream"
	"github.com/libp2p/go-libp2p/p2p/muxer/yamux"
	csms "github.com/libp2p/go-libp2p/p2p/net/conn-security-multistream"
	tptu "github.com/libp2p/go-libp2p/p2p/net/upgrader"
	"github.com/libp2p/go-libp2p/p2p/security/noise"
	"github.com/libp2p/go-libp2p/p2p/transport/tcp"
	ma "github.com/multiformats/go-multiaddr"
	"github.com/multiformats/go-multistream"

	"rendezvous.local/interop/peerkit"
)

// maxResponseBytes bounds one response frame; the TS server's default maximum is 4 MiB, as is go-libp2p's
// network.MessageSizeMax.
const maxResponseBytes = 4 << 20

// simPeer is one simulated peer: its own identity, its own connection, and the signed peer records it
// registers. It is not a libp2p host: a host per peer (peerstore, identify, swarm goroutines) would cost
// far more than the server's side of the connection and make the generator the bottleneck. It is the
// same TCP + Noise + Yamux stack as a go-libp2p host, dialled through the go-libp2p v0.23.2 upgrader.
type simPeer struct {
	idx  int
	priv crypto.PrivKey
	id   peer.ID
	// envelopes[0] is the record registered in the storm and refreshed byte for byte; later ones carry a
	// higher seq, for registrations that must be verified afresh (mixed load)
	envelopes [][]byte
	// nextEnvelope is the next fresh envelope to use; only the worker that owns the peer touches it
	nextEnvelope int
	// current is the envelope last sent (acknowledged or not): the one a keep-alive repeats
	current int

	tpt  *tcp.TcpTransport
	conn transport.CapableConn

	mu sync.Mutex
	// the last acknowledged registration: which envelope and when it expires
	acked      bool
	ackedEnv   int
	ackedUntil time.Time
}

// peerKey derives peer i's Ed25519 key from the seed, so every server in a run (and every run with the
// same seed) sees the same identities and byte-identical envelopes.
func peerKey(seed string, i int) (crypto.PrivKey, error) {
	s := sha256.Sum256([]byte(fmt.Sprintf("%s:%d", seed, i)))
	k := ed25519.NewKeyFromSeed(s[:])
	return crypto.UnmarshalEd25519PrivateKey(k)
}

// rustLegacyRecord is a peer record in rust-libp2p's format: the same PeerRecord protobuf, sealed under
// the domain "libp2p-routing-state" with the ASCII payload type "/libp2p/routing-state-record" (what
// libp2p-core's PeerRecord signs and opens), instead of "libp2p-peer-record" and the multicodec 0x0301.
type rustLegacyRecord struct{ *peer.PeerRecord }

func (r rustLegacyRecord) Domain() string { return "libp2p-routing-state" }
func (r rustLegacyRecord) Codec() []byte  { return []byte("/libp2p/routing-state-record") }

// sealEnvelope signs peer i's record with sequence number seq, in the given record format ("standard" or
// "rust-legacy"). The address is a loopback TCP address the peer does not listen on: servers store
// addresses, they never dial them.
func sealEnvelope(priv crypto.PrivKey, id peer.ID, i int, seq uint64, format string) ([]byte, error) {
	addr, err := ma.NewMultiaddr(fmt.Sprintf("/ip4/127.0.0.1/tcp/%d", 1024+i%60000))
	if err != nil {
		return nil, err
	}
	var rec record.Record = &peer.PeerRecord{PeerID: id, Addrs: []ma.Multiaddr{addr}, Seq: seq}
	if format == "rust-legacy" {
		rec = rustLegacyRecord{rec.(*peer.PeerRecord)}
	}
	env, err := record.Seal(rec, priv)
	if err != nil {
		return nil, err
	}
	return env.Marshal()
}

// makePeers derives n identities and seals envelopesPerPeer records for each (seq 1, 2, ...), on every
// core: this happens before any timed phase.
func makePeers(seed string, n, envelopesPerPeer int, format string) ([]*simPeer, error) {
	peers := make([]*simPeer, n)
	errs := make(chan error, n)
	var wg sync.WaitGroup
	next := make(chan int, n)
	for i := 0; i < n; i++ {
		next <- i
	}
	close(next)
	for w := 0; w < runtime.GOMAXPROCS(0); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				p, err := makePeer(seed, i, envelopesPerPeer, format)
				if err != nil {
					errs <- err
					return
				}
				peers[i] = p
			}
		}()
	}
	wg.Wait()
	close(errs)
	if err := <-errs; err != nil {
		return nil, err
	}
	return peers, nil
}

func makePeer(seed string, i, envelopesPerPeer int, format string) (*simPeer, error) {
	priv, err := peerKey(seed, i)
	if err != nil {
		return nil, err
	}
	id, err := peer.IDFromPrivateKey(priv)
	if err != nil {
		return nil, err
	}
	p := &simPeer{idx: i, priv: priv, id: id, nextEnvelope: 1}
	for k := 0; k < envelopesPerPeer; k++ {
		env, err := sealEnvelope(priv, id, i, uint64(k+1), format)
		if err != nil {
			return nil, err
		}
		p.envelopes = append(p.envelopes, env)
	}
	return p, nil
}

// inbound answers the streams a server opens to a simulated peer: ping (js-libp2p's connection monitor
// pings every connection every 10 s and aborts it when the ping fails, though not when the protocol is
// refused) is echoed; anything else (identify) is refused with multistream's "na", as a peer that does not
// speak it would.
var inbound = func() *multistream.MultistreamMuxer {
	m := multistream.NewMultistreamMuxer()
	m.AddHandler("/ipfs/ping/1.0.0", func(_ string, rwc io.ReadWriteCloser) error {
		buf := make([]byte, 32)
		for i := 0; i < 1000; i++ {
			if _, err := io.ReadFull(rwc, buf); err != nil {
				return nil
			}
			if _, err := rwc.Write(buf); err != nil {
				return err
			}
		}
		return nil
	})
	return m
}()

// connect dials the server as this peer: TCP, multistream-select /noise, Noise XX with the peer's key,
// multistream-select /yamux/1.0.0. Inbound streams are answered by inbound.
func (p *simPeer) connect(ctx context.Context, server ma.Multiaddr, serverID peer.ID) error {
	if p.tpt == nil {
		nz, err := noise.New(p.priv)
		if err != nil {
			return err
		}
		sec := new(csms.SSMuxer)
		sec.AddTransport(noise.ID, nz)
		mux := msmux.NewBlankTransport()
		mux.AddTransport("/yamux/1.0.0", yamux.DefaultTransport)
		upg, err := tptu.New(sec, mux)
		if err != nil {
			return err
		}
		tpt, err := tcp.NewTCPTransport(upg, nil, tcp.DisableReuseport())
		if err != nil {
			return err
		}
		p.tpt = tpt
	}
	conn, err := p.tpt.Dial(ctx, server, serverID)
	if err != nil {
		return err
	}
	p.conn = conn
	go func() {
		for {
			s, err := conn.AcceptStream()
			if err != nil {
				return
			}
			go func() {
				_ = s.SetDeadline(time.Now().Add(30 * time.Second))
				if err := inbound.Handle(s); err != nil {
					_ = s.Reset()
					return
				}
				_ = s.Close()
			}()
		}
	}()
	return nil
}

func (p *simPeer) disconnect() {
	if p.conn != nil {
		_ = p.conn.Close()
		p.conn = nil
	}
}

var errNotConnected = errors.New("peer not connected")

// request opens a stream, negotiates proto optimistically (the multistream header, the protocol and the
// request go out in one write, as go-libp2p does for a protocol the peer is known to support), reads one
// response frame and closes the stream. The deadline covers the whole exchange.
func (p *simPeer) request(proto string, frame []byte, timeout time.Duration) ([]byte, error) {
	conn := p.conn
	if conn == nil {
		return nil, errNotConnected
	}
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	s, err := conn.OpenStream(ctx)
	if err != nil {
		return nil, fmt.Errorf("open stream: %w", err)
	}
	_ = s.SetDeadline(time.Now().Add(timeout))
	lazy := multistream.NewMSSelect(s, proto)
	if _, err := lazy.Write(frame); err != nil {
		_ = s.Reset()
		return nil, fmt.Errorf("write: %w", err)
	}
	r := bufio.NewReaderSize(lazy, 4096)
	msg, err := peerkit.ReadFrameBody(r, maxResponseBytes)
	if err != nil {
		_ = s.Reset()
		return nil, fmt.Errorf("response: %w", err)
	}
	_ = s.Close()
	return msg, nil
}
