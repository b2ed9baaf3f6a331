package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/quotepart/quotepart/internal/app"
	"github.com/quotepart/quotepart/internal/whatif"
	"github.com/quotepart/quotepart/reports"
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

The page's address holds the whole what-if, up to three variants side by side:
a link reproduces it. When the rule, scenario or project files change, serve
loads them again (--reload) and the page says so; an edit that does not load
shows its errors on the page, which keeps the last rules that did. The page is
in French only: --lang en is refused. A JSON API serves the same computations
under /api/v1 (docs/serve.md). "Télécharger
comme scénario" gives a scenario file that 'quotepart run FILE' reproduces to the
cent. The server listens on 127.0.0.1:8080 by default (this machine only); any
other address needs --public. It writes nothing to disk, validates every input,
answers only requests addressed to its own name (--allow-host for a reverse
proxy's), and limits request size, rate, connections and computing time. Stop it
with Ctrl-C or SIGTERM: the requests under way finish, for at most 5 seconds.
docs/serve.md describes the page and its limits.`,
		Example: `  quotepart serve
  quotepart serve --addr 127.0.0.1:9000
  quotepart serve --scenarios ./mes-scenarios
  quotepart serve --addr 0.0.0.0:8080 --public --allow-host simulation.intranet.example`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			var cfg serveConfig
			cfg.addr, _ = cmd.Flags().GetString("addr")
			cfg.public, _ = cmd.Flags().GetBool("public")
			cfg.hosts, _ = cmd.Flags().GetStringSlice("allow-host")
			cfg.rate, _ = cmd.Flags().GetFloat64("rate")
			cfg.maxConns, _ = cmd.Flags().GetInt("max-conns")
			cfg.reload, _ = cmd.Flags().GetDuration("reload")
			if err := cfg.check(); err != nil {
				return err
			}
			if p.lang() != reports.French {
				return p.settings["lang"].errorf("the what-if page is in French only: --lang %s is not available for serve (leave --lang out, or set it to fr)", p.lang())
			}
			folders := p.folders()
			// The files as they are before they are read: an edit made
			// from now on is seen.
			loaded, stampErr := folders.Stamp()
			ws, err := p.workspace(cmd)
			if err != nil {
				return err
			}
			if stampErr != nil {
				fmt.Fprintf(p.stderr, "quotepart: warning: the rules will not be reloaded when their files change: %s\n", reports.SafeLines(stampErr.Error()))
			}
			cfg.loaded, cfg.stamp = loaded, folders.Stamp
			cfg.load = func(ctx context.Context) (*app.Workspace, error) { return app.OpenContext(ctx, folders) }
			return serve(cmd.Context(), ws, cfg, p.stdout, p.stderr)
		},
	}
	cmd.Flags().String("addr", "127.0.0.1:8080", "address to listen on (host:port); the default serves this machine only")
	cmd.Flags().Bool("public", false, "allow --addr to be other than a loopback address, reachable from other machines (put a reverse proxy with TLS and authentication in front)")
	cmd.Flags().StringSlice("allow-host", nil, "another name the page may be reached by (the name a reverse proxy passes on in Host), besides localhost, the loopback addresses and the host of --addr; repeat or separate with commas")
	cmd.Flags().Int("max-conns", 256, "connections open at once; at the bound a new one takes the place of the one idle longest")
	cmd.Flags().Float64("rate", 20, "requests a second allowed to each client, after a burst of twice as many; negative: no limit")
	cmd.Flags().Duration("reload", time.Second, "how often to look for changes of the rule, scenario and project files, and reload them (0: never); the embedded defaults never change")
	return cmd
}

// serveConfig is what serve's flags set.
type serveConfig struct {
	addr     string
	public   bool
	hosts    []string
	rate     float64
	maxConns int
	// reload is how often the files are looked at; stamp tells what they
	// look like ("" for the embedded defaults) and load reads them again.
	reload time.Duration
	loaded string
	stamp  func() (string, error)
	load   func(context.Context) (*app.Workspace, error)
}

// check refuses, before anything is loaded or listened on, a bound on
// connections below 1, and an --addr whose host is an address other than
// loopback (or none: every address) without --public. A host name is
// checked once listened on.
func (c serveConfig) check() error {
	if c.maxConns < 1 {
		return fmt.Errorf("--max-conns: expected at least 1, found %d", c.maxConns)
	}
	if c.reload < 0 {
		return fmt.Errorf("--reload: expected 0 (never) or a positive duration, found %v", c.reload)
	}
	host, _, err := net.SplitHostPort(c.addr)
	if err != nil {
		return fmt.Errorf("--addr %s: expected host:port, such as 127.0.0.1:8080", c.addr)
	}
	if ip := net.ParseIP(host); (host == "" || ip != nil && !ip.IsLoopback()) && !c.public {
		return c.notLoopback(c.addr)
	}
	return nil
}

func (c serveConfig) notLoopback(addr string) error {
	where := "--addr " + c.addr
	if addr != c.addr {
		where += " (" + addr + ")"
	}
	return fmt.Errorf("%s is not a loopback address: the page would be reachable from other machines; add --public to allow it, behind a reverse proxy with TLS and authentication (docs/serve.md)", where)
}

// serve runs the what-if page on ws until ctx ends.
func serve(ctx context.Context, ws *app.Workspace, cfg serveConfig, stdout, stderr io.Writer) error {
	sim, err := whatif.New(ctx, ws)
	if err != nil {
		return err
	}
	logger := slog.New(slog.NewTextHandler(stderr, nil))
	h := whatif.NewHandler(sim, whatif.Options{Rate: cfg.rate, MaxConns: cfg.maxConns, Addr: cfg.addr, Hosts: cfg.hosts, Log: logger})
	ln, err := net.Listen("tcp", cfg.addr)
	if err != nil {
		return fmt.Errorf("cannot listen on %s: %v", cfg.addr, err)
	}
	if host, _, err := net.SplitHostPort(ln.Addr().String()); err == nil {
		if ip := net.ParseIP(host); ip != nil && !ip.IsLoopback() {
			if !cfg.public {
				ln.Close()
				return cfg.notLoopback(ln.Addr().String())
			}
			fmt.Fprintf(stderr, "quotepart: warning: listening on %s, reachable from other machines\n", ln.Addr())
		}
	}
	fmt.Fprintf(stdout, "Page de simulation : http://%s/ (Ctrl-C pour arrêter)\n", ln.Addr())
	if cfg.loaded != "" && cfg.stamp != nil && cfg.load != nil && cfg.reload > 0 {
		// The page follows the files: an edit shows on it, a broken one
		// shows its errors there.
		watch, stop := context.WithCancel(ctx)
		defer stop()
		go h.Watch(watch, whatif.Reload{Every: cfg.reload, Loaded: cfg.loaded, Stamp: cfg.stamp, Load: cfg.load,
			Logf: func(format string, args ...any) { logger.Info(fmt.Sprintf(format, args...)) }})
	}
	return serveUntilDone(ctx, whatif.NewServer(cfg.addr, h), ln, stderr)
}

// shutdownGrace is the time the requests under way have to finish once
// serve is told to stop.
const shutdownGrace = 5 * time.Second

// serveUntilDone serves on ln until ctx ends (Ctrl-C, SIGTERM), then lets
// the requests under way finish, for at most shutdownGrace; those still
// running then are cut off. Stopping so is a success.
func serveUntilDone(ctx context.Context, srv *whatif.Server, ln net.Listener, stderr io.Writer) error {
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	if err := srv.Shutdown(shutdown); err != nil {
		fmt.Fprintf(stderr, "quotepart: warning: requests still under way after %v were cut off\n", shutdownGrace)
		srv.Close()
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
