// Command go-lrdv wraps go-libp2p-rendezvous (/rendezvous/1.0.0, the fork
// github.com/waku-org/go-libp2p-rendezvous that go-waku ships) for the interop
// harness. It prints exactly one JSON object per line on stdout; logs go to
// stderr.
package main

import (
	"context"
	"os"

	"rendezvous.local/interop/peerkit"
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

var stderrLog = peerkit.NewLogger("go-lrdv")

func logf(format string, args ...any) { stderrLog.Printf(format, args...) }

func main() {
	os.Exit(run(os.Args[1:]))
}

func run(args []string) int {
	out := peerkit.NewEmitter(os.Stdout, stderrLog)
	return peerkit.Main(args, usage, map[string]peerkit.Command{
		"server": func(ctx context.Context, args []string) int {
			ctx, cancel := peerkit.UntilClosed(ctx, os.Stdin, stderrLog)
			defer cancel()
			return runServer(ctx, args, out)
		},
		"client": func(ctx context.Context, args []string) int { return runSession(ctx, "client", args, out) },
		"raw":    func(ctx context.Context, args []string) int { return runSession(ctx, "raw", args, out) },
	})
}
