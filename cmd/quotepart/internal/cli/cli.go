package cli

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strings"

	"github.com/quotepart/quotepart/internal/app"
	"github.com/quotepart/quotepart/internal/diag"
	"github.com/quotepart/quotepart/internal/outfile"
	"github.com/quotepart/quotepart/reports"
	"github.com/spf13/cobra"
	"github.com/spf13/viper"
)

// Exit codes.
const (
	exitOK     = 0
	exitError  = 1 // usage, load or run error
	exitFailed = 2 // a check or test ran and failed
)

// exitCodeError carries an exit code other than exitError; its message has
// already been printed.
type exitCodeError struct{ code int }

func (e *exitCodeError) Error() string { return fmt.Sprintf("exit status %d", e.code) }

// Main runs the command line with args and returns the exit code.
func Main(args []string, stdout, stderr io.Writer) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	p := &program{stdout: stdout, stderr: stderr, v: viper.New()}
	root := p.rootCommand()
	root.SetArgs(args)
	root.SetOut(stdout)
	root.SetErr(stderr)
	err := root.ExecuteContext(ctx)
	if err == nil {
		return exitOK
	}
	var code *exitCodeError
	if errors.As(err, &code) {
		return code.code
	}
	if errors.Is(err, context.Canceled) {
		fmt.Fprintln(stderr, "quotepart: interrupted; nothing was written")
		return exitError
	}
	var list diag.List
	var one *diag.Error
	switch {
	case errors.As(err, &list):
		fmt.Fprintln(stderr, list.Detail())
		fmt.Fprintf(stderr, "quotepart: %s\n", reports.Plural(len(list), "error"))
	case errors.As(err, &one):
		fmt.Fprintln(stderr, one.Detail())
	default:
		fmt.Fprintf(stderr, "quotepart: %v\n", err)
	}
	return exitError
}

// program holds what every command shares: the output writers and the
// layered configuration.
type program struct {
	stdout, stderr io.Writer
	v              *viper.Viper
	configFile     string
}

func (p *program) rootCommand() *cobra.Command {
	root := &cobra.Command{
		Use:   "quotepart",
		Short: "Who pays what in a shared public service, from rules written as code",
		Long: `quotepart computes, year by year, what each member of a shared public service
(a French service commun) pays, from rule files in which allocation keys and fees
are expressions over dated parameters. With no --rules it uses the embedded
defaults: the Rouen shared digital service (Métropole, Ville, CCAS).

Configuration is layered: flags, then QUOTEPART_* environment variables
(QUOTEPART_RULES, QUOTEPART_LANG, ...), then a quotepart.yaml project file in the
current folder (or --config FILE), then the defaults.`,
		Example: `  quotepart run
  quotepart run --from 2024 --to 2030 --format json -o bills.json
  quotepart check
  quotepart check --rules ./mes-regles`,
		SilenceErrors:     true,
		SilenceUsage:      true,
		PersistentPreRunE: func(cmd *cobra.Command, _ []string) error { return p.loadConfig(cmd) },
	}
	pf := root.PersistentFlags()
	pf.StringVar(&p.configFile, "config", "", "project file (default: ./quotepart.yaml when present)")
	pf.String("rules", "", "folder of rule files (default: the embedded Rouen rules)")
	pf.String("scenarios", "", "folder of scenario files (default: the embedded Rouen scenarios, with the embedded rules)")
	pf.String("lang", "fr", "language of labels and numbers: fr or en")
	root.SetFlagErrorFunc(func(cmd *cobra.Command, err error) error {
		return fmt.Errorf("%v\nRun '%s --help' for usage", err, cmd.CommandPath())
	})
	root.AddCommand(p.runCommand(), p.compareCommand(), p.explainCommand(), p.evaluateCommand(), p.checkCommand(),
		p.testCommand(), p.diffCommand(), p.schemaCommand(), p.reportCommand(), p.serveCommand())
	return root
}

// loadConfig layers the project file and environment under the flags.
func (p *program) loadConfig(cmd *cobra.Command) error {
	v := p.v
	v.SetEnvPrefix("QUOTEPART")
	v.SetEnvKeyReplacer(strings.NewReplacer("-", "_"))
	v.AutomaticEnv()
	if err := v.BindPFlags(cmd.Flags()); err != nil {
		return err
	}
	switch {
	case p.configFile != "":
		v.SetConfigFile(p.configFile)
		if err := v.ReadInConfig(); err != nil {
			return fmt.Errorf("cannot read the project file %s: %v", p.configFile, err)
		}
	default:
		if _, err := os.Stat("quotepart.yaml"); err == nil {
			v.SetConfigFile("quotepart.yaml")
			if err := v.ReadInConfig(); err != nil {
				return fmt.Errorf("cannot read the project file quotepart.yaml: %v", err)
			}
		}
	}
	if _, err := reports.ParseLang(v.GetString("lang")); err != nil {
		return err
	}
	return nil
}

// path returns a configured path; a relative path written in the project
// file is taken relative to that file's folder.
func (p *program) path(cmd *cobra.Command, key string) string {
	s := p.v.GetString(key)
	if s == "" || filepath.IsAbs(s) {
		return s
	}
	flag := cmd.Flags().Lookup(key)
	_, fromEnv := os.LookupEnv("QUOTEPART_" + strings.ToUpper(strings.ReplaceAll(key, "-", "_")))
	if (flag == nil || !flag.Changed) && !fromEnv && p.v.InConfig(key) {
		return filepath.Join(filepath.Dir(p.v.ConfigFileUsed()), s)
	}
	return s
}

func (p *program) lang() reports.Lang {
	l, _ := reports.ParseLang(p.v.GetString("lang"))
	return l
}

// folders are the rules and scenarios folders configured.
func (p *program) folders(cmd *cobra.Command) app.Folders {
	return app.Folders{Rules: p.path(cmd, "rules"), Scenarios: p.path(cmd, "scenarios")}
}

// workspace loads the configured rules and scenarios.
func (p *program) workspace(cmd *cobra.Command) (*app.Workspace, error) {
	return app.Open(p.folders(cmd))
}

// formatted is an output kind as its flags see it (reports.Output).
type formatted interface {
	Default() reports.Format
	Help() string
	Parse(string) (reports.Format, error)
}

// addOutputFlags declares --format, with the formats of out, and -o.
func addOutputFlags(cmd *cobra.Command, out formatted) {
	addFormatFlag(cmd, out)
	cmd.Flags().StringP("output", "o", "", "write to this file, atomically (default: standard output)")
}

func addFormatFlag(cmd *cobra.Command, out formatted) {
	cmd.Flags().String("format", string(out.Default()), out.Help())
}

// addYearFlags declares --from and --to.
func addYearFlags(cmd *cobra.Command, whose string) {
	cmd.Flags().String("from", "", "first year (default: "+whose+")")
	cmd.Flags().String("to", "", "last year (default: "+whose+")")
}

// format reads --format for an output kind.
func (p *program) format(out formatted) (reports.Format, error) {
	return out.Parse(p.v.GetString("format"))
}

// produce is the shape of most commands: read --format for out, load the
// workspace, compute the value with one call into it, render the value and
// write it. It returns the value for the commands that have an exit code to
// decide.
func produce[T any](p *program, cmd *cobra.Command, out *reports.Output[T], compute func(*app.Workspace) (T, error)) (T, error) {
	var zero T
	f, err := p.format(out)
	if err != nil {
		return zero, err
	}
	if err := outfile.Check(p.path(cmd, "output")); err != nil {
		return zero, err
	}
	ws, err := p.workspace(cmd)
	if err != nil {
		return zero, err
	}
	v, err := compute(ws)
	if err != nil {
		return zero, err
	}
	return v, emit(p, cmd, out, f, v)
}

// emit renders v in format f and writes it to -o (or standard output).
func emit[T any](p *program, cmd *cobra.Command, out *reports.Output[T], f reports.Format, v T) error {
	var b bytes.Buffer
	if err := out.Render(&b, f, p.lang(), v); err != nil {
		return err
	}
	return p.writeOutput(p.path(cmd, "output"), b.Bytes())
}

// writeOutput writes data to path (package outfile): standard output for
// "" or "-", a regular file atomically, a device or FIFO written through.
func (p *program) writeOutput(path string, data []byte) error {
	return outfile.Write(path, data, p.stdout)
}

// years reads --from and --to; zero means "the default".
func (p *program) years() (from, to int, err error) {
	if from, err = p.intSetting("from"); err != nil {
		return 0, 0, err
	}
	to, err = p.intSetting("to")
	return from, to, err
}

// intSetting reads an integer setting, with a clear error for text.
func (p *program) intSetting(key string) (int, error) {
	s := strings.TrimSpace(p.v.GetString(key))
	if s == "" {
		return 0, nil
	}
	var n int
	if _, err := fmt.Sscan(s, &n); err != nil || fmt.Sprint(n) != s {
		return 0, fmt.Errorf("--%s: expected a year such as 2026, found %q", key, s)
	}
	return n, nil
}
