// Command go-rdv wraps the Go reference implementation of the legacy Waku
// rendezvous protocol /vac/waku/rendezvous/0.0.1
// (github.com/status-im/go-waku-rendezvous) for interop tests. It prints
// exactly one JSON object per line on stdout; logs go to stderr.
package main

import (
	"context"
	"io"
	"os"

	"rendezvous.local/interop/peerkit"
)

const usage = `usage: go-rdv <subcommand> [flags] [ops...]

subcommands:
  server --listen <multiaddr> [--key <file>] [--ignore-stdin]
  client --server <multiaddr/p2p/id> [--key <file>] [--listen <multiaddr>]
         [--strict] [--timeout 10s] [--ops-json <json>] <ops...>
  raw    --server <multiaddr/p2p/id> [same flags as client] <ops...>
  frames [--envelope <hex>]

ops (client): register:ns=<ns>[:ttl=<s>]  discover:ns=<ns>[:limit=<n>]  record  sleep:ms=<n>
ops (raw):    register:ns=<ns>[:ttl=<s>]  discover:ns=<ns>[:limit=<n>]  frame:hex=<bytes>  sleep:ms=<n>
(nshex=<hex> may replace ns=; flags must come before the ops)
`

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout))
}

func run(args []string, stdin io.Reader, stdout io.Writer) int {
	return peerkit.Main(args, usage, map[string]peerkit.Command{
		"server": func(ctx context.Context, args []string) int {
			if !hasFlag(args, "ignore-stdin") && stdin != nil {
				var cancel context.CancelFunc
				ctx, cancel = peerkit.UntilClosed(ctx, stdin, stderrLog)
				defer cancel()
			}
			return runServer(ctx, args, stdout)
		},
		"client": func(ctx context.Context, args []string) int { return runClient(ctx, args, stdout) },
		"raw":    func(ctx context.Context, args []string) int { return runRaw(ctx, args, stdout) },
		"frames": func(_ context.Context, args []string) int { return runFrames(args, stdout) },
	})
}

func hasFlag(args []string, name string) bool {
	for _, a := range args {
		if a == "-"+name || a == "--"+name || a == "-"+name+"=true" || a == "--"+name+"=true" {
			return true
		}
	}
	return false
}
