package cli

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/quotepart/quotepart/internal/app"
	"github.com/quotepart/quotepart/internal/diag"
	"github.com/quotepart/quotepart/internal/outfile"
	"github.com/quotepart/quotepart/reports"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
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

// Main runs the command line with args and returns the exit code. It never
// lets a panic through: a bug is reported on one line, exit 1.
func Main(args []string, stdout, stderr io.Writer) int {
	return execute(args, stdout, stderr, nil)
}

// execute is Main; tests may add commands to the root with extra.
func execute(args []string, stdout, stderr io.Writer, extra func(*program, *cobra.Command)) (code int) {
	defer func() {
		if r := recover(); r != nil {
			fmt.Fprintf(stderr, "quotepart: internal error: %s; this is a bug in quotepart, please report it with the command that caused it\n",
				reports.SafeText(fmt.Sprint(r)))
			code = exitError
		}
	}()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	p := &program{stdout: stdout, stderr: stderr}
	defer p.cancel()
	root := p.rootCommand()
	if extra != nil {
		extra(p, root)
	}
	root.SetArgs(args)
	root.SetOut(stdout)
	root.SetErr(stderr)
	err := root.ExecuteContext(ctx)
	if err == nil {
		return exitOK
	}
	var exit *exitCodeError
	if errors.As(err, &exit) {
		return exit.code
	}
	var timeout *timeoutError
	switch {
	case p.ctx != nil && errors.As(context.Cause(p.ctx), &timeout):
		fmt.Fprintf(stderr, "quotepart: %v\n", timeout)
		return exitError
	case errors.Is(err, context.Canceled):
		fmt.Fprintln(stderr, "quotepart: interrupted; nothing was written")
		return exitError
	}
	printError(stderr, err)
	return exitError
}

// printError prints an error: positioned diagnostics as compilers print
// them, file:line:col first, with their source line; every other error
// after one "quotepart: ". Text from the user's files and arguments is
// escaped (reports.SafeText), line by line.
func printError(w io.Writer, err error) {
	var list diag.List
	var one *diag.Error
	switch {
	case errors.As(err, &list):
		for _, e := range list {
			fmt.Fprintln(w, reports.SafeLines(detail(e)))
		}
		fmt.Fprintf(w, "quotepart: %s\n", reports.Plural(len(list), "error"))
	case errors.As(err, &one):
		fmt.Fprintln(w, reports.SafeLines(detail(one)))
	default:
		// cobra indents its suggestions with tabs: spaces say the same.
		msg := strings.ReplaceAll(strings.TrimPrefix(err.Error(), "quotepart: "), "\t", "  ")
		fmt.Fprintf(w, "quotepart: %s\n", reports.SafeLines(strings.TrimRight(msg, "\n")))
	}
}

// detail is a diagnostic with its source line; one with no position at
// all gets the "quotepart: " of other errors.
func detail(e *diag.Error) string {
	if e.Pos.IsZero() {
		return "quotepart: " + strings.TrimPrefix(e.Detail(), "quotepart: ")
	}
	return e.Detail()
}

// timeoutError is the cause of a command stopped by --timeout.
type timeoutError struct{ d time.Duration }

func (e *timeoutError) Error() string { return fmt.Sprintf("stopped after --timeout %v", e.d) }

// untimed are the commands --timeout does not bound: serve runs until it
// is stopped, and bounds each request itself.
var untimed = map[string]bool{"serve": true}

// program holds what every command shares: the output writers, and the
// settings of the command that runs.
type program struct {
	stdout, stderr io.Writer
	// cmd is the command that runs, its flags set from every layer of
	// the configuration; settings says where each value came from.
	cmd      *cobra.Command
	settings map[string]setting
	project  *project
	// ctx is the command's context once --timeout bounds it.
	ctx        context.Context
	stopTimer  context.CancelFunc
	configFrom string // where the project file's name came from
}

// cancel releases the timer of --timeout.
func (p *program) cancel() {
	if p.stopTimer != nil {
		p.stopTimer()
	}
}

func (p *program) rootCommand() *cobra.Command {
	root := &cobra.Command{
		Use:   "quotepart",
		Short: "Who pays what in a shared public service, from rules written as code",
		Long: `quotepart computes, year by year, what each member of a shared public service
(a French service commun) pays, from rule files in which allocation keys and fees
are expressions over dated parameters. With no --rules it uses the embedded
defaults: the Rouen shared digital service (Métropole, Ville, CCAS).

Every flag of every command can be set, in this order of precedence: on the
command line; by a QUOTEPART_<FLAG> environment variable (QUOTEPART_RULES,
QUOTEPART_DRAWS, QUOTEPART_STALE_YEARS...); in the project file, at its top level
(every command with that flag) or in a section named after a command
(test: {format: junit}); else the default. The project file is --config FILE,
else QUOTEPART_CONFIG, else the first quotepart.yaml in the current folder or
its parents up to the repository's root; its relative paths are relative to its
folder, and an unknown key in it is an error. 'quotepart config COMMAND' shows
each setting and where it came from.

--timeout (default 5m, 0 for none) bounds the whole command, serve excepted:
past it, quotepart stops, writes nothing and exits 1. Ctrl-C and SIGTERM stop it
the same way.

Exit status: 0 ok, 1 an error (a usage, file or run error, or check finding
one), 2 a gate that failed (test cases, diff --fail-over).`,
		Example: `  quotepart run
  quotepart run --from 2024 --to 2030 --format json -o bills.json
  quotepart check
  quotepart check --rules ./mes-regles
  quotepart config test`,
		SilenceErrors:     true,
		SilenceUsage:      true,
		PersistentPreRunE: func(cmd *cobra.Command, _ []string) error { return p.configure(cmd) },
	}
	pf := root.PersistentFlags()
	pf.String("config", "", "project file (default: the first quotepart.yaml in this folder or its parents, up to the repository's root)")
	pf.String("rules", "", "folder of rule files (default: the embedded Rouen rules)")
	pf.String("scenarios", "", "folder of scenario files (default: the embedded Rouen scenarios, with the embedded rules)")
	pf.String("lang", "fr", "language of labels and numbers: fr or en")
	pf.Duration("timeout", defaultTimeout, "stop the command, writing nothing, after this long (0: no limit; serve excepted)")
	root.SetFlagErrorFunc(func(cmd *cobra.Command, err error) error {
		return fmt.Errorf("%v\nRun '%s --help' for usage", flagError(err), cmd.CommandPath())
	})
	root.AddCommand(p.runCommand(), p.compareCommand(), p.explainCommand(), p.evaluateCommand(), p.checkCommand(),
		p.testCommand(), p.diffCommand(), p.schemaCommand(), p.reportCommand(), p.serveCommand(), p.configCommand())
	root.AddCommand(p.versionCommand(), p.manCommand(), p.fmtCommand())
	root.AddCommand(p.initCommand(), p.importCommand(), p.templateCommand())
	root.AddCommand(p.settleCommand(), p.statementCommand())
	setVersion(root)
	p.complete(root)
	return root
}

// defaultTimeout is the default of --timeout: generous for any real rule
// set, short enough that a runaway CI job ends.
const defaultTimeout = 5 * time.Minute

// configure sets the flags of cmd from the environment and the project
// file under the command line, checks the settings every command shares,
// and bounds the command's context by --timeout.
func (p *program) configure(cmd *cobra.Command) error {
	p.cmd = cmd
	cmdline := map[string]bool{}
	cmd.Flags().Visit(func(f *pflag.Flag) { cmdline[f.Name] = true })
	path, from, err := findProject(cmd)
	if err != nil {
		return err
	}
	p.configFrom = from
	if path != "" {
		if p.project, err = readProject(path, cmd.Root()); err != nil {
			return err
		}
	}
	settings, err := resolve(cmd, flagsOf(cmd), cmdline, p.project)
	if err != nil {
		return err
	}
	p.settings = map[string]setting{}
	for _, s := range settings {
		p.settings[s.Name] = s
	}
	if _, err := reports.ParseLang(p.flag("lang")); err != nil {
		return p.settings["lang"].wrap(err)
	}
	timeout, err := cmd.Flags().GetDuration("timeout")
	if err != nil {
		return err
	}
	if timeout < 0 {
		return p.settings["timeout"].errorf("expected 0 (no limit) or a positive duration, found %v", timeout)
	}
	if timeout > 0 && !untimed[cmd.Name()] {
		p.ctx, p.stopTimer = context.WithTimeoutCause(cmd.Context(), timeout, &timeoutError{timeout})
		cmd.SetContext(p.ctx)
	}
	return nil
}

// flag returns the value of a flag of the command that runs, set from
// whichever layer of the configuration gave it.
func (p *program) flag(name string) string {
	f := p.cmd.Flags().Lookup(name)
	if f == nil {
		return ""
	}
	return f.Value.String()
}

// path returns a path setting; one written in the project file was made
// relative to the file's folder when it was read.
func (p *program) path(name string) string { return p.flag(name) }

func (p *program) lang() reports.Lang {
	l, _ := reports.ParseLang(p.flag("lang"))
	return l
}

// folders are the rules and scenarios folders configured.
func (p *program) folders() app.Folders {
	return app.Folders{Rules: p.path("rules"), Scenarios: p.path("scenarios"), Actuals: p.path("actuals")}
}

// workspace loads the configured rules and scenarios, and warns of the
// files it skipped (outputs of quotepart left in a folder it reads).
func (p *program) workspace(cmd *cobra.Command) (*app.Workspace, error) {
	ws, err := app.OpenContext(cmd.Context(), p.folders())
	if err == nil {
		p.warn(ws.Skipped())
	}
	return ws, err
}

// formatted is an output kind as its flags see it (reports.Output).
type formatted interface {
	Default() reports.Format
	Formats() []reports.Format
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
	_ = cmd.RegisterFlagCompletionFunc("format", formatNames(out))
}

// addYearFlags declares --from and --to.
func addYearFlags(cmd *cobra.Command, whose string) {
	cmd.Flags().String("from", "", "first year (default: "+whose+")")
	cmd.Flags().String("to", "", "last year (default: "+whose+")")
}

// format reads --format for an output kind.
func (p *program) format(out formatted) (reports.Format, error) {
	f, err := out.Parse(p.flag("format"))
	return f, p.settings["format"].wrap(err)
}

// explicitFormat is --format when a layer of the configuration sets it,
// "" when it is left to its default (for a file, its extension).
func (p *program) explicitFormat() string {
	if s, ok := p.settings["format"]; ok && s.From != fromDefault {
		return s.Value
	}
	return ""
}

// fileFormat is the format of out for the file -o names: --format when
// set, else the file's extension; on standard output, --format or out's
// default.
func fileFormat[T any](p *program, out *reports.Output[T], file string) (reports.Format, error) {
	if outfile.IsStdout(file) {
		return out.Parse(p.explicitFormat())
	}
	return out.FromFile(p.explicitFormat(), file)
}

// produce is the shape of most commands: read --format for out, check
// that -o can be written (before any work), load the workspace, compute
// the value with one call into it, render the value and write it. It returns the value for the commands that have an exit code to
// decide.
func produce[T any](p *program, cmd *cobra.Command, out *reports.Output[T], compute func(*app.Workspace) (T, error)) (T, error) {
	var zero T
	f, err := p.format(out)
	if err != nil {
		return zero, err
	}
	if err := outfile.Check(p.path("output")); err != nil {
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
	if err := cmd.Context().Err(); err != nil {
		return err // stopped: write nothing
	}
	return p.writeOutput(p.path("output"), b.Bytes())
}

// printText renders v as text on standard output: the summary of a
// command that writes files, or the text that goes with a machine format
// written to -o.
func printText[T any](p *program, out *reports.Output[T], v T) error {
	var b bytes.Buffer
	if err := out.Render(&b, reports.Text, p.lang(), v); err != nil {
		return err
	}
	_, err := p.stdout.Write(b.Bytes())
	return err
}

// writeOutput writes data to path (package outfile): standard output for
// "" or "-", a regular file atomically, a device or FIFO written through.
func (p *program) writeOutput(path string, data []byte) error {
	return outfile.Write(path, data, p.stdout)
}

// addActualsFlag declares --actuals, the folder of the actual figures.
func addActualsFlag(cmd *cobra.Command) {
	cmd.Flags().String("actuals", "", "folder of actuals files, the closed accounts of years (default: the comptes folder of the rules folder, when there is one)")
}

// addBasisFlag declares --basis.
func addBasisFlag(cmd *cobra.Command) {
	cmd.Flags().String("basis", "budget", "figures to run on: budget (forecasts) or actuals (the closed accounts of --actuals)")
	_ = cmd.RegisterFlagCompletionFunc("basis", cobra.FixedCompletions([]string{"budget", "actuals"}, cobra.ShellCompDirectiveNoFileComp))
}

// basis reads --basis.
func (p *program) basis() (app.Basis, error) {
	b, err := app.ParseBasis(p.flag("basis"))
	return b, p.settings["basis"].wrap(err)
}

// warn prints warnings on standard error: a run's, or the files a loader
// passed over.
func (p *program) warn(list diag.List) {
	for _, w := range list {
		fmt.Fprintf(p.stderr, "quotepart: warning: %s\n", reports.SafeLines(w.Error()))
	}
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
	s := strings.TrimSpace(p.flag(key))
	if s == "" {
		return 0, nil
	}
	var n int
	if _, err := fmt.Sscan(s, &n); err != nil || fmt.Sprint(n) != s {
		return 0, p.settings[key].errorf("expected a year such as 2026, found %q", s)
	}
	return n, nil
}
