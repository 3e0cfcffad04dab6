package peerkit

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"sync"
	"time"
)

// Tap records the bytes a library's client writes to and reads from its
// streams, so that the harness gets the exact envelopes sent and the answer
// frames received. It may also hold a canned reply, for a stream that never
// touches the network (see Fake).
type Tap struct {
	mu      sync.Mutex
	written bytes.Buffer
	read    bytes.Buffer
	fake    []byte
}

// Reset forgets what was recorded; fake is the canned reply of the streams
// opened from now on (nil: the real network).
func (t *Tap) Reset(fake []byte) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.written.Reset()
	t.read.Reset()
	t.fake = fake
}

// Captured returns copies of what was written and read since the last Reset.
func (t *Tap) Captured() (written, read []byte) {
	t.mu.Lock()
	defer t.mu.Unlock()
	return bytes.Clone(t.written.Bytes()), bytes.Clone(t.read.Bytes())
}

// Fake is the canned reply set by Reset, or nil.
func (t *Tap) Fake() []byte {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.fake
}

func (t *Tap) record(into *bytes.Buffer, b []byte) {
	if len(b) == 0 {
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	into.Write(b)
}

// Wrap is rw with every byte read and written recorded.
func (t *Tap) Wrap(rw io.ReadWriter) io.ReadWriter { return &tapped{rw: rw, t: t} }

// Canned answers reads with the canned reply and records what is written,
// without any network.
func (t *Tap) Canned(reply []byte) io.ReadWriter {
	return &tapped{rw: &canned{r: bytes.NewReader(reply)}, t: t}
}

type tapped struct {
	rw io.ReadWriter
	t  *Tap
}

func (s *tapped) Read(b []byte) (int, error) {
	n, err := s.rw.Read(b)
	s.t.record(&s.t.read, b[:n])
	return n, err
}

func (s *tapped) Write(b []byte) (int, error) {
	n, err := s.rw.Write(b)
	s.t.record(&s.t.written, b[:n])
	return n, err
}

// canned reads its reply and swallows what is written (the tap records it).
type canned struct{ r io.Reader }

func (c *canned) Read(b []byte) (int, error)  { return c.r.Read(b) }
func (c *canned) Write(b []byte) (int, error) { return len(b), nil }

// BoundByContext sets the stream's deadline to the context's: the libraries'
// clients set none, and a peer that never answers must not hang an op.
func BoundByContext(ctx context.Context, s interface{ SetDeadline(time.Time) error }) {
	if dl, ok := ctx.Deadline(); ok {
		_ = s.SetDeadline(dl)
	}
}

// StreamEnd names how a stream ended instead of answering: "eof", "reset"
// (when err is reset, the go-libp2p version's network.ErrReset), "timeout"
// or "error"; "" for no error.
func StreamEnd(err error, reset error) string {
	switch {
	case err == nil:
		return ""
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return "eof"
	case errors.Is(err, reset):
		return "reset"
	case errors.Is(err, os.ErrDeadlineExceeded):
		return "timeout"
	}
	return "error"
}
