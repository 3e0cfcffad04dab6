package main

import (
	"bytes"
	"context"
	"sync"

	"github.com/libp2p/go-libp2p/core/host"
	"github.com/libp2p/go-libp2p/core/network"
	"github.com/libp2p/go-libp2p/core/peer"
	"github.com/libp2p/go-libp2p/core/protocol"
)

// tapHost records the bytes the library's client writes to and reads from
// its rendezvous streams, so that the harness gets the exact envelopes sent
// and the answer frames received. The client uses only ID, Addrs, Peerstore
// and NewStream of its host.
type tapHost struct {
	host.Host
	mu      sync.Mutex
	written bytes.Buffer
	read    bytes.Buffer
}

func (t *tapHost) reset() {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.written.Reset()
	t.read.Reset()
}

func (t *tapHost) captured() (written, read []byte) {
	t.mu.Lock()
	defer t.mu.Unlock()
	return bytes.Clone(t.written.Bytes()), bytes.Clone(t.read.Bytes())
}

func (t *tapHost) NewStream(ctx context.Context, p peer.ID, pids ...protocol.ID) (network.Stream, error) {
	s, err := t.Host.NewStream(ctx, p, pids...)
	if err != nil {
		return nil, err
	}
	// the library sets no deadline: bound its reads by the op's context
	if dl, ok := ctx.Deadline(); ok {
		_ = s.SetDeadline(dl)
	}
	return &tapStream{Stream: s, t: t}, nil
}

type tapStream struct {
	network.Stream
	t *tapHost
}

func (s *tapStream) Read(b []byte) (int, error) {
	n, err := s.Stream.Read(b)
	s.t.mu.Lock()
	s.t.read.Write(b[:n])
	s.t.mu.Unlock()
	return n, err
}

func (s *tapStream) Write(b []byte) (int, error) {
	n, err := s.Stream.Write(b)
	s.t.mu.Lock()
	s.t.written.Write(b[:n])
	s.t.mu.Unlock()
	return n, err
}
