package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strings"

	"github.com/google/renameio/v2"
	"github.com/quotepart/quotepart/internal/diag"
	"github.com/quotepart/quotepart/reports"
	"github.com/quotepart/quotepart/rules"
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
	app := &app{stdout: stdout, stderr: stderr, v: viper.New()}
	root := app.rootCommand()
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
		fmt.Fprintf(stderr, "quotepart: %s\n", plural(len(list), "error"))
	case errors.As(err, &one):
		fmt.Fprintln(stderr, one.Detail())
	default:
		fmt.Fprintf(stderr, "quotepart: %v\n", err)
	}
	return exitError
}

// app holds what every command shares: the output writers and the layered
// configuration.
type app struct {
	stdout, stderr io.Writer
	v              *viper.Viper
	configFile     string
}

func (a *app) rootCommand() *cobra.Command {
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
		PersistentPreRunE: func(cmd *cobra.Command, _ []string) error { return a.loadConfig(cmd) },
	}
	pf := root.PersistentFlags()
	pf.StringVar(&a.configFile, "config", "", "project file (default: ./quotepart.yaml when present)")
	pf.String("rules", "", "folder of rule files (default: the embedded Rouen rules)")
	pf.String("scenarios", "", "folder of scenario files (default: the embedded Rouen scenarios, with the embedded rules)")
	pf.String("lang", "fr", "language of labels and numbers: fr or en")
	root.SetFlagErrorFunc(func(cmd *cobra.Command, err error) error {
		return fmt.Errorf("%v\nRun '%s --help' for usage", err, cmd.CommandPath())
	})
	root.AddCommand(a.runCommand(), a.compareCommand(), a.explainCommand(), a.evaluateCommand(), a.checkCommand(), a.testCommand(), a.diffCommand(), a.schemaCommand(), a.reportCommand(), a.serveCommand())
	return root
}

// loadConfig layers the project file and environment under the flags.
func (a *app) loadConfig(cmd *cobra.Command) error {
	v := a.v
	v.SetEnvPrefix("QUOTEPART")
	v.SetEnvKeyReplacer(strings.NewReplacer("-", "_"))
	v.AutomaticEnv()
	if err := v.BindPFlags(cmd.Flags()); err != nil {
		return err
	}
	switch {
	case a.configFile != "":
		v.SetConfigFile(a.configFile)
		if err := v.ReadInConfig(); err != nil {
			return fmt.Errorf("cannot read the project file %s: %v", a.configFile, err)
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
func (a *app) path(cmd *cobra.Command, key string) string {
	p := a.v.GetString(key)
	if p == "" || filepath.IsAbs(p) {
		return p
	}
	flag := cmd.Flags().Lookup(key)
	_, fromEnv := os.LookupEnv("QUOTEPART_" + strings.ToUpper(strings.ReplaceAll(key, "-", "_")))
	if (flag == nil || !flag.Changed) && !fromEnv && a.v.InConfig(key) {
		return filepath.Join(filepath.Dir(a.v.ConfigFileUsed()), p)
	}
	return p
}

func (a *app) lang() reports.Lang {
	l, _ := reports.ParseLang(a.v.GetString("lang"))
	return l
}

// loadRules loads the rule set of a folder, or the embedded defaults.
func loadRules(dir string) (*rules.Set, error) {
	if dir == "" {
		return rules.LoadDefaults()
	}
	info, err := os.Stat(dir)
	if err != nil {
		return nil, diag.Errorf(diag.Pos{File: dir}, diag.NotFound, "no such rules folder")
	}
	if !info.IsDir() {
		return loadFiles([]string{dir})
	}
	return rules.Load(os.DirFS(dir), ".", filepath.ToSlash(filepath.Clean(dir)))
}

// loadFiles builds one rule set from files given one by one.
func loadFiles(paths []string) (*rules.Set, error) {
	var errs diag.List
	var files []rules.NamedFile
	for _, p := range paths {
		data, err := os.ReadFile(p)
		name := filepath.ToSlash(p)
		if err != nil {
			errs.Addf(diag.Pos{File: name}, diag.NotFound, "cannot read: %v", unwrapPath(err))
			files = append(files, rules.NamedFile{Path: name})
			continue
		}
		f, err := rules.DecodeFile(name, data)
		errs.Add(err)
		files = append(files, rules.NamedFile{Path: name, File: f})
	}
	return rules.BuildDecoded(files, errs)
}

func unwrapPath(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// writeOutput writes data to path atomically: to a temporary file in the
// same folder, renamed over path once complete, so that a failure never
// leaves a partial file. An empty path means standard output.
func (a *app) writeOutput(path string, data []byte) error {
	if path == "" || path == "-" {
		_, err := a.stdout.Write(data)
		return err
	}
	dir := filepath.Dir(path)
	if info, err := os.Stat(dir); err != nil || !info.IsDir() {
		return fmt.Errorf("cannot write %s: the folder %s does not exist", path, dir)
	}
	if err := renameio.WriteFile(path, data, 0o644); err != nil {
		return fmt.Errorf("cannot write %s: %v", path, unwrapPath(err))
	}
	return nil
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}

// years reads --from and --to; zero means "the default".
func (a *app) years() (from, to int, err error) {
	if from, err = a.intSetting("from"); err != nil {
		return 0, 0, err
	}
	to, err = a.intSetting("to")
	return from, to, err
}

// intSetting reads an integer setting, with a clear error for text.
func (a *app) intSetting(key string) (int, error) {
	s := strings.TrimSpace(a.v.GetString(key))
	if s == "" {
		return 0, nil
	}
	var n int
	if _, err := fmt.Sscan(s, &n); err != nil || fmt.Sprint(n) != s {
		return 0, fmt.Errorf("--%s: expected a year such as 2026, found %q", key, s)
	}
	return n, nil
}
