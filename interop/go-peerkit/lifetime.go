package peerkit

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

// Command is one subcommand of a program: it runs until ctx is done or its
// work is, and returns the exit code.
type Command func(ctx context.Context, args []string) int

// Main runs the subcommand args[0] with the arguments after it, under a
// context done on SIGINT or SIGTERM. No subcommand or an unknown one prints
// usage and returns 2; help prints it and returns 0.
func Main(args []string, usage string, commands map[string]Command) int {
	if len(args) == 0 {
		fmt.Fprint(os.Stderr, usage)
		return 2
	}
	switch args[0] {
	case "help", "-h", "--help":
		fmt.Fprint(os.Stderr, usage)
		return 0
	}
	command, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(os.Stderr, "unknown subcommand %q\n\n%s", args[0], usage)
		return 2
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return command(ctx, args[1:])
}

// UntilClosed is ctx, also done once stdin is closed: the harness ends a
// server by closing its stdin (or by a signal).
func UntilClosed(ctx context.Context, stdin io.Reader, log Logger) (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithCancel(ctx)
	go func() {
		_, _ = io.Copy(io.Discard, stdin)
		log.Printf("stdin closed")
		cancel()
	}()
	return ctx, cancel
}
