// Command go-rdv wraps the Go reference implementation of the legacy Waku
// rendezvous protocol /vac/waku/rendezvous/0.0.1
// (github.com/status-im/go-waku-rendezvous) for interop tests. It prints
// exactly one JSON object per line on stdout; logs go to stderr.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
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
	if len(args) == 0 {
		fmt.Fprint(os.Stderr, usage)
		return 2
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	cmd, rest := args[0], args[1:]
	switch cmd {
	case "server":
		if !hasFlag(rest, "ignore-stdin") && stdin != nil {
			var cancel context.CancelFunc
			ctx, cancel = context.WithCancel(ctx)
			defer cancel()
			go func() {
				_, _ = io.Copy(io.Discard, stdin)
				logf("stdin closed")
				cancel()
			}()
		}
		return runServer(ctx, rest, stdout)
	case "client":
		return runClient(ctx, rest, stdout)
	case "raw":
		return runRaw(ctx, rest, stdout)
	case "frames":
		return runFrames(rest, stdout)
	case "help", "-h", "--help":
		fmt.Fprint(os.Stderr, usage)
		return 0
	}
	fmt.Fprintf(os.Stderr, "unknown subcommand %q\n\n%s", cmd, usage)
	return 2
}

func hasFlag(args []string, name string) bool {
	for _, a := range args {
		if a == "-"+name || a == "--"+name || a == "-"+name+"=true" || a == "--"+name+"=true" {
			return true
		}
	}
	return false
}
