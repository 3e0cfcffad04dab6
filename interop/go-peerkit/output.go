package peerkit

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"sync"
)

// Logger is a program's only logger: stdout carries JSON lines only.
type Logger struct{ *log.Logger }

// NewLogger logs to stderr, each line headed by the program's name.
func NewLogger(program string) Logger {
	return Logger{log.New(os.Stderr, program+": ", log.Ltime|log.Lmicroseconds)}
}

// Emitter writes exactly one JSON object per line.
type Emitter struct {
	mu  sync.Mutex
	w   io.Writer
	log Logger
}

// NewEmitter writes to w; errors are also logged to log.
func NewEmitter(w io.Writer, log Logger) *Emitter { return &Emitter{w: w, log: log} }

// ErrorEvent is the line of an error that is not an op's answer.
type ErrorEvent struct {
	Event   string `json:"event"`
	Message string `json:"message"`
}

// Emit writes v as one line; a value that does not marshal becomes an error line.
func (e *Emitter) Emit(v any) {
	b, err := json.Marshal(v)
	if err != nil {
		b, _ = json.Marshal(ErrorEvent{Event: "error", Message: fmt.Sprintf("json: %v", err)})
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	_, _ = e.w.Write(append(b, '\n'))
}

// Errorf writes an error line and logs it.
func (e *Emitter) Errorf(format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	e.log.Printf("error: %s", msg)
	e.Emit(ErrorEvent{Event: "error", Message: msg})
}

// Ptr points at a copy of v, for the optional fields of a line.
func Ptr[T any](v T) *T { return &v }

// ReadyEvent is the first line of every mode: the peer is up (and, in the
// client modes, connected to the server).
type ReadyEvent struct {
	Event      string   `json:"event"`
	Role       string   `json:"role"`
	PeerID     string   `json:"peerId"`
	Multiaddrs []string `json:"multiaddrs"`
	// Client and raw mode only: the server that was connected to and the
	// protocols it announced via identify (where the program reports them).
	ServerPeerID    string   `json:"serverPeerId,omitempty"`
	ServerProtocols []string `json:"serverProtocols,omitempty"`
}

// FlagSet is a subcommand's flag set; its usage and errors go to the log.
func (l Logger) FlagSet(name string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(l.Writer())
	return fs
}

// Parse parses args into fs; a bad flag is printed as an error line and
// Parse returns false (the subcommand exits 2).
func (e *Emitter) Parse(fs *flag.FlagSet, args []string) bool {
	if err := fs.Parse(args); err != nil {
		e.Errorf("%v", err)
		return false
	}
	return true
}
