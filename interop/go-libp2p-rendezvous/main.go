// Command go-lrdv wraps go-libp2p-rendezvous (/rendezvous/1.0.0, the fork
// github.com/waku-org/go-libp2p-rendezvous that go-waku ships) for the interop
// harness. It prints exactly one JSON object per line on stdout; logs go to
// stderr.
package main

import (
	"context"
	"fmt"
	"io"
	"log"
	"os"
	"os/signal"
	"syscall"
)

const usage = `usage: go-lrdv <subcommand> [flags]

subcommands:
  server --listen <multiaddr> [--db <sqlite file>]   (exits when stdin closes)
  client --server <multiaddr/p2p/id> [--key <file>] [--timeout 10s] --ops-json <json>
  raw    --server <multiaddr/p2p/id> [--key <file>] [--timeout 10s] --ops-json <json>

ops (client): register{ns,ttl}  discover{ns,limit,cookie}  unregister{ns}  record  sleep{ms}
ops (raw, one stream): register{ns,ttl}  discover{ns,limit,cookie}  frame{hex}
(cookie is hex; "last" means the cookie of the previous discover of this run)
`

var stderrLog = log.New(os.Stderr, "go-lrdv: ", log.Ltime|log.Lmicroseconds)

func logf(format string, args ...any) { stderrLog.Printf(format, args...) }

func main() {
	os.Exit(run(os.Args[1:]))
}

func run(args []string) int {
	if len(args) == 0 {
		fmt.Fprint(os.Stderr, usage)
		return 2
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	out := newEmitter(os.Stdout)

	switch args[0] {
	case "server":
		// the harness ends a server by closing its stdin (or by a signal)
		sctx, cancel := context.WithCancel(ctx)
		defer cancel()
		go func() {
			_, _ = io.Copy(io.Discard, os.Stdin)
			cancel()
		}()
		return runServer(sctx, args[1:], out)
	case "client":
		return runSession(ctx, "client", args[1:], out)
	case "raw":
		return runSession(ctx, "raw", args[1:], out)
	case "help", "-h", "--help":
		fmt.Fprint(os.Stderr, usage)
		return 0
	}
	fmt.Fprintf(os.Stderr, "unknown subcommand %q\n\n%s", args[0], usage)
	return 2
}
