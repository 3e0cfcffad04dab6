package main

import (
	"bytes"
	"context"
	"io"
	"sync"

	"github.com/libp2p/go-libp2p/core/host"
	"github.com/libp2p/go-libp2p/core/network"
	"github.com/libp2p/go-libp2p/core/peer"
	"github.com/libp2p/go-libp2p/core/protocol"
)

// tapHost wraps a host so that the bytes the reference client writes to and
// reads from its rendezvous streams can be inspected afterwards (e.g. to
// report the exact signedPeerRecord bytes sent or received). The reference
// client only uses ID, Addrs, Peerstore and NewStream of the host.
//
// When fake is set, NewStream does not touch the network at all: the stream
// records what is written and answers reads with the canned reply. This is
// used by the "record" op to obtain a record sealed by the reference code
// without registering it anywhere.
type tapHost struct {
	host.Host

	mu      sync.Mutex
	written bytes.Buffer
	read    bytes.Buffer
	fake    []byte // canned reply; nil means "use the real network"
}

func (t *tapHost) reset(fake []byte) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.written.Reset()
	t.read.Reset()
	t.fake = fake
}

func (t *tapHost) captured() (written, read []byte) {
	t.mu.Lock()
	defer t.mu.Unlock()
	return append([]byte(nil), t.written.Bytes()...), append([]byte(nil), t.read.Bytes()...)
}

func (t *tapHost) NewStream(ctx context.Context, p peer.ID, pids ...protocol.ID) (network.Stream, error) {
	t.mu.Lock()
	fake := t.fake
	t.mu.Unlock()
	if fake != nil {
		return &fakeStream{t: t, r: bytes.NewReader(fake)}, nil
	}
	s, err := t.Host.NewStream(ctx, p, pids...)
	if err != nil {
		return nil, err
	}
	// The reference client sets no deadlines; bound its reads and writes by
	// the op timeout so that a peer that never answers cannot hang us.
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
	if n > 0 {
		s.t.mu.Lock()
		s.t.read.Write(b[:n])
		s.t.mu.Unlock()
	}
	return n, err
}

func (s *tapStream) Write(b []byte) (int, error) {
	n, err := s.Stream.Write(b)
	if n > 0 {
		s.t.mu.Lock()
		s.t.written.Write(b[:n])
		s.t.mu.Unlock()
	}
	return n, err
}

// fakeStream implements just enough of network.Stream for the reference
// client (Read, Write, Close, Reset); every other method would panic on
// the nil embedded interface and is never called by it.
type fakeStream struct {
	network.Stream
	t *tapHost
	r io.Reader
}

func (s *fakeStream) Read(b []byte) (int, error) { return s.r.Read(b) }
func (s *fakeStream) Write(b []byte) (int, error) {
	s.t.mu.Lock()
	defer s.t.mu.Unlock()
	return s.t.written.Write(b)
}
func (s *fakeStream) Close() error      { return nil }
func (s *fakeStream) CloseWrite() error { return nil }
func (s *fakeStream) CloseRead() error  { return nil }
func (s *fakeStream) Reset() error      { return nil }

// byteReader limits every Read to one byte so that a buffered reader
// layered on top (gogo's delimited reader uses bufio) never consumes more
// than the frame it decodes. Combined with a tee this yields the exact
// bytes of each frame.
type byteReader struct {
	r   io.Reader
	tee *bytes.Buffer
}

func (b *byteReader) Read(p []byte) (int, error) {
	if len(p) > 1 {
		p = p[:1]
	}
	n, err := b.r.Read(p)
	if n > 0 && b.tee != nil {
		b.tee.Write(p[:n])
	}
	return n, err
}
