package main

import (
	"context"
	"io"

	"github.com/libp2p/go-libp2p/core/host"
	"github.com/libp2p/go-libp2p/core/network"
	"github.com/libp2p/go-libp2p/core/peer"
	"github.com/libp2p/go-libp2p/core/protocol"
	"rendezvous.local/interop/peerkit"
)

// tapHost hands the library's client streams whose bytes the tap records,
// so that the harness gets the exact envelopes sent and the answer frames
// received. The client uses only ID, Addrs, Peerstore and NewStream of its
// host. What is typed by go-libp2p stays here; the recording is peerkit's.
type tapHost struct {
	host.Host
	tap *peerkit.Tap
}

func (t *tapHost) NewStream(ctx context.Context, p peer.ID, pids ...protocol.ID) (network.Stream, error) {
	s, err := t.Host.NewStream(ctx, p, pids...)
	if err != nil {
		return nil, err
	}
	peerkit.BoundByContext(ctx, s)
	return &tapStream{Stream: s, tapped: t.tap.Wrap(s)}, nil
}

// tapStream is a go-libp2p stream whose reads and writes go through the tap.
type tapStream struct {
	network.Stream
	tapped io.ReadWriter
}

func (s *tapStream) Read(b []byte) (int, error)  { return s.tapped.Read(b) }
func (s *tapStream) Write(b []byte) (int, error) { return s.tapped.Write(b) }
