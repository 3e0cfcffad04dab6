// Command rdv-bench is the load generator of the side-by-side rendezvous server benchmark
// (interop/bench): many simulated peers, each with its own identity and connection, driving one
// rendezvous server over /vac/waku/rendezvous/0.0.1 or /rendezvous/1.0.0 on loopback.
//
//	rdv-bench envelopes --seed <s> --n <n> --out <file>   write peers' seq-1 envelopes (uvarint-length-prefixed)
//	rdv-bench session --spec <json>                      run one session against one server; JSON lines on stdout
//
// A session connects its peers, runs its timed phases and reports one JSON line per phase with
// operations, errors, latency percentiles, and the server's CPU seconds and peak RSS (read from /proc
// of --spec's serverPid), then a line per no-lost-registration check, then {"event":"done"}.
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"time"

	"rendezvous.local/interop/peerkit"
)

func main() {
	if len(os.Args) < 2 {
		usage()
	}
	var err error
	switch os.Args[1] {
	case "envelopes":
		err = cmdEnvelopes(os.Args[2:])
	case "session":
		err = cmdSession(os.Args[2:])
	default:
		usage()
	}
	if err != nil {
		emit(map[string]any{"event": "error", "message": err.Error()})
		os.Exit(1)
	}
}

func usage() {
	fmt.Fprintln(os.Stderr, "usage: rdv-bench envelopes --seed s --n n --out file | rdv-bench session --spec json")
	os.Exit(2)
}

var out = json.NewEncoder(os.Stdout)

func emit(v any) { _ = out.Encode(v) }

func logf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "rdv-bench: "+format+"\n", args...)
}

func cmdEnvelopes(args []string) error {
	fs := flag.NewFlagSet("envelopes", flag.ContinueOnError)
	seed := fs.String("seed", "rendezvous-bench", "identity seed")
	n := fs.Int("n", 1000, "peers")
	path := fs.String("out", "", "output file")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *path == "" || *n <= 0 || *n > 100000 {
		return fmt.Errorf("envelopes needs --out and 0 < --n <= 100000")
	}
	peers, err := makePeers(*seed, *n, 1, "standard")
	if err != nil {
		return err
	}
	f, err := os.Create(*path)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(f)
	for _, p := range peers {
		_, _ = w.Write(peerkit.Frame(p.envelopes[0]))
	}
	if err := w.Flush(); err != nil {
		_ = f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	emit(map[string]any{"event": "envelopes", "n": *n, "out": *path})
	return nil
}

func cmdSession(args []string) error {
	fs := flag.NewFlagSet("session", flag.ContinueOnError)
	specJSON := fs.String("spec", "", "session spec (JSON)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	s := defaultSpec()
	if err := json.Unmarshal([]byte(*specJSON), &s); err != nil {
		return fmt.Errorf("bad --spec: %w", err)
	}
	if err := s.validate(); err != nil {
		return err
	}
	// a session never outlives its bound, whatever a server does
	timer := time.AfterFunc(time.Duration(s.MaxSessionSeconds*float64(time.Second)), func() {
		emit(map[string]any{"event": "error", "message": fmt.Sprintf("session exceeded %gs", s.MaxSessionSeconds)})
		os.Exit(1)
	})
	defer timer.Stop()
	return runSession(&s)
}
