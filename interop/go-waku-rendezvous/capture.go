package main

import (
	"bytes"
	"context"
	"io"

	"github.com/libp2p/go-libp2p/core/host"
	"github.com/libp2p/go-libp2p/core/network"
	"github.com/libp2p/go-libp2p/core/peer"
	"github.com/libp2p/go-libp2p/core/protocol"
	"rendezvous.local/interop/peerkit"
)

// tapHost wraps a host so that the bytes the reference client writes to and
// reads from its rendezvous streams can be inspected afterwards (e.g. to
// report the exact signedPeerRecord bytes sent or received). The reference
// client only uses ID, Addrs, Peerstore and NewStream of the host. What is
// typed by go-libp2p stays here; the recording is peerkit's.
//
// When the tap holds a canned reply, NewStream does not touch the network at
// all: the stream records what is written and answers reads with the reply.
// This is used by the "record" op to obtain a record sealed by the reference
// code without registering it anywhere.
type tapHost struct {
	host.Host
	tap *peerkit.Tap
}

func (t *tapHost) NewStream(ctx context.Context, p peer.ID, pids ...protocol.ID) (network.Stream, error) {
	if reply := t.tap.Fake(); reply != nil {
		return &fakeStream{tapStream{tapped: t.tap.Canned(reply)}}, nil
	}
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

// fakeStream implements just enough of network.Stream for the reference
// client (Read, Write, Close, Reset); every other method would panic on
// the nil embedded interface and is never called by it.
type fakeStream struct{ tapStream }

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
