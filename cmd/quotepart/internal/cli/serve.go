package cli

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/quotepart/quotepart/internal/whatif"
	"github.com/spf13/cobra"
)

func (p *program) serveCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Serve a what-if page: move a figure, see each member's bill change",
		Long: `serve opens a web page, for elected officials and finance staff, on which they
pick a scenario and change posts (ETC) per unit and year, the fee rate, the
parameters of the allocation key, a new member (date and population) or the
adopted projects, and see at once each member's amount per year and its change.

The page's address holds the whole what-if: a link reproduces it. "Télécharger
comme scénario" gives a scenario file that 'quotepart run FILE' reproduces to the
cent. The server listens on 127.0.0.1:8080 by default (this machine only); it
writes nothing to disk, validates every input, and limits request size and rate.
Stop it with Ctrl-C. docs/serve.md describes the page and its limits.`,
		Example: `  quotepart serve
  quotepart serve --addr 127.0.0.1:9000
  quotepart serve --scenarios ./mes-scenarios`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			addr, _ := cmd.Flags().GetString("addr")
			rate, _ := cmd.Flags().GetFloat64("rate")
			hosts, _ := cmd.Flags().GetStringSlice("allow-host")
			maxConns, _ := cmd.Flags().GetInt("max-conns")
			ws, err := p.workspace(cmd)
			if err != nil {
				return err
			}
			sim, err := whatif.New(cmd.Context(), ws)
			if err != nil {
				return err
			}
			logger := slog.New(slog.NewTextHandler(p.stderr, nil))
			srv := whatif.NewServer(addr, whatif.NewHandler(sim, whatif.Options{Rate: rate, MaxConns: maxConns, Addr: addr, Hosts: hosts, Log: logger}))
			ln, err := net.Listen("tcp", addr)
			if err != nil {
				return fmt.Errorf("cannot listen on %s: %v", addr, err)
			}
			if host, _, err := net.SplitHostPort(ln.Addr().String()); err == nil {
				if ip := net.ParseIP(host); ip != nil && !ip.IsLoopback() {
					fmt.Fprintf(p.stderr, "quotepart: warning: listening on %s, reachable from other machines\n", ln.Addr())
				}
			}
			fmt.Fprintf(p.stdout, "Page de simulation : http://%s/ (Ctrl-C pour arrêter)\n", ln.Addr())
			return serveUntilDone(cmd.Context(), srv, ln)
		},
	}
	cmd.Flags().String("addr", "127.0.0.1:8080", "address to listen on (host:port); the default serves this machine only")
	cmd.Flags().StringSlice("allow-host", nil, "another name the page may be reached by (the name a reverse proxy passes on in Host), besides localhost, the loopback addresses and the host of --addr; repeat or separate with commas")
	cmd.Flags().Int("max-conns", 256, "connections open at once; at the bound a new one takes the place of the one idle longest")
	cmd.Flags().Float64("rate", 20, "requests a second allowed to each client, after a burst of twice as many; negative: no limit")
	return cmd
}

// serveUntilDone serves on ln until ctx ends (Ctrl-C), then lets the
// requests under way finish, for at most five seconds.
func serveUntilDone(ctx context.Context, srv *whatif.Server, ln net.Listener) error {
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdown); err != nil {
		return err
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
