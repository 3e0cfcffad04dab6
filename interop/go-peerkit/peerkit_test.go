package peerkit

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"strings"
	"testing"
)

func TestFramesRoundTrip(t *testing.T) {
	long := bytes.Repeat([]byte{7}, 300) // a two-byte length prefix
	stream := append(Frame([]byte("ab")), Frame(long)...)
	r := bufio.NewReader(bytes.NewReader(stream))
	first, err := ReadFrame(r, 1024)
	if err != nil || !bytes.Equal(first, []byte{2, 'a', 'b'}) {
		t.Fatalf("first frame %x, %v", first, err)
	}
	if _, err := ReadFrame(r, 299); err == nil {
		t.Fatal("a frame over the limit was read")
	}
	bodies, err := SplitFrames(stream)
	if err != nil || len(bodies) != 2 || !bytes.Equal(bodies[1], long) {
		t.Fatalf("split into %d bodies, %v", len(bodies), err)
	}
	if _, err := SplitFrames(stream[:len(stream)-1]); err == nil {
		t.Fatal("a truncated frame was split")
	}
}

func TestTapRecordsBothDirectionsAndCannedReplies(t *testing.T) {
	var tap Tap
	var wire bytes.Buffer
	wire.WriteString("answer")
	s := tap.Wrap(&wire)
	_, _ = s.Write([]byte("request"))
	got := make([]byte, 6)
	_, _ = io.ReadFull(s, got)
	written, read := tap.Captured()
	if string(written) != "request" || string(read) != "answer" {
		t.Fatalf("captured %q / %q", written, read)
	}

	tap.Reset([]byte("canned"))
	if string(tap.Fake()) != "canned" {
		t.Fatal("the canned reply was not kept")
	}
	c := tap.Canned(tap.Fake())
	_, _ = c.Write([]byte("sealed"))
	reply, _ := io.ReadAll(c)
	written, _ = tap.Captured()
	if string(reply) != "canned" || string(written) != "sealed" {
		t.Fatalf("canned stream read %q, recorded %q", reply, written)
	}
}

func TestStreamEnd(t *testing.T) {
	reset := errors.New("stream reset")
	for err, want := range map[error]string{
		nil: "", io.EOF: "eof", io.ErrUnexpectedEOF: "eof", reset: "reset", os.ErrDeadlineExceeded: "timeout", errors.New("x"): "error",
	} {
		if got := StreamEnd(err, reset); got != want {
			t.Errorf("StreamEnd(%v) = %q, want %q", err, got, want)
		}
	}
}

func TestEmitterWritesOneLinePerValueAndErrorLines(t *testing.T) {
	var out bytes.Buffer
	e := NewEmitter(&out, NewLogger("peerkit-test"))
	e.Emit(ReadyEvent{Event: "ready", Role: "server", PeerID: "p", Multiaddrs: []string{}})
	e.Errorf("bad %s", "flag")
	e.Emit(func() {})
	lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	want := []string{
		`{"event":"ready","role":"server","peerId":"p","multiaddrs":[]}`,
		`{"event":"error","message":"bad flag"}`,
		`{"event":"error","message":"json: json: unsupported type: func()"}`,
	}
	if strings.Join(lines, "\n") != strings.Join(want, "\n") {
		t.Fatalf("lines:\n%s", out.String())
	}
}

func TestUntilClosedEndsWithStdin(t *testing.T) {
	r, w := io.Pipe()
	ctx, cancel := UntilClosed(context.Background(), r, NewLogger("peerkit-test"))
	defer cancel()
	_ = w.Close()
	<-ctx.Done()
}
