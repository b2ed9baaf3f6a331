package cli

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/quotepart/quotepart/internal/diag"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"github.com/spf13/viper"
	"go.yaml.in/yaml/v3"
)

// The configuration of a command. Every flag of every command may be set,
// in this order of precedence, by:
//
//  1. the command line;
//  2. the environment variable QUOTEPART_<FLAG>, the flag's name in upper
//     case with dashes as underscores (QUOTEPART_STALE_YEARS); an empty
//     variable counts as unset;
//  3. the project file, a key at its top level (for every command that
//     has the flag) or in a section named after a command (for that
//     command; the section wins over the top level);
//  4. the flag's default.
//
// The project file is --config FILE, else QUOTEPART_CONFIG, else the
// first quotepart.yaml found in the current folder or its parents, up to
// the folder that holds .git or the file system's root. It is read with a
// position-keeping YAML parser, so that an unknown key, a duplicate or a
// value that does not parse is an error at its line and column. Relative
// paths in it (rules, scenarios, output, against) are relative to its
// folder.
//
// viper layers the environment over the file: the values of the file for
// the command are merged into it as its configuration, and it reads the
// QUOTEPART_ variables. The values are then set on the flags themselves
// (pflag's FlagSet.Set) before the command runs, so that a flag bound to a
// Go variable sees them like one read by name.

const (
	projectFileName = "quotepart.yaml"
	envPrefix       = "QUOTEPART"
	// maxProjectFile bounds the size of the project file read.
	maxProjectFile = 1 << 20
)

// pathFlags hold paths: written in the project file, a relative path is
// relative to the file's folder.
var pathFlags = map[string]bool{"rules": true, "scenarios": true, "output": true, "against": true, "actuals": true}

// Where a setting comes from, when not from the project file.
const (
	fromFlag    = "flag"
	fromDefault = "default"
)

// setting is a flag of a command with its effective value and where the
// value comes from: "flag", "QUOTEPART_X", "FILE:LINE" or "default".
type setting struct {
	Name  string `json:"name"`
	Value string `json:"value"`
	From  string `json:"from"`
	// label names the setting in messages: --draws, QUOTEPART_DRAWS or
	// the position of the key in the project file.
	label string
	pos   diag.Pos // in the project file, when from it
}

// envName is the environment variable of a flag.
func envName(flag string) string {
	return envPrefix + "_" + strings.ToUpper(strings.ReplaceAll(flag, "-", "_"))
}

// projectValue is a value written in the project file, with its position.
type projectValue struct {
	value string
	pos   diag.Pos
}

// project is a project file, its keys checked against the commands.
type project struct {
	path     string // as shown in messages
	dir      string // relative paths in it are relative to this folder
	top      map[string]projectValue
	sections map[string]map[string]projectValue
}

// values returns the values the file gives a command: its top-level keys
// that are flags of the command, overridden by the command's section.
func (pr *project) values(cmd string, flags map[string]*pflag.Flag) map[string]projectValue {
	out := map[string]projectValue{}
	if pr == nil {
		return out
	}
	for k, v := range pr.top {
		if flags[k] != nil {
			out[k] = v
		}
	}
	for k, v := range pr.sections[cmd] {
		out[k] = v
	}
	return out
}

// findProject returns the project file to read, and where its name came
// from: --config, QUOTEPART_CONFIG, or the search from the current
// folder up ("default"); "" when there is none.
func findProject(cmd *cobra.Command) (path, from string, err error) {
	if f := cmd.Flags().Lookup("config"); f != nil && f.Changed {
		return f.Value.String(), fromFlag, nil
	}
	if v := os.Getenv(envName("config")); v != "" {
		return v, envName("config"), nil
	}
	wd, err := os.Getwd()
	if err != nil {
		return "", "", fmt.Errorf("cannot find the current folder: %v", diag.Cause(err))
	}
	for dir := wd; ; {
		candidate := filepath.Join(dir, projectFileName)
		if info, err := os.Stat(candidate); err == nil && !info.IsDir() {
			if rel, err := filepath.Rel(wd, candidate); err == nil {
				candidate = rel
			}
			return candidate, fromDefault, nil
		}
		if _, err := os.Stat(filepath.Join(dir, ".git")); err == nil {
			return "", fromDefault, nil // the repository's root
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fromDefault, nil
		}
		dir = parent
	}
}

var yamlLine = regexp.MustCompile(`^yaml: line (\d+): `)

// readProject reads and checks a project file: every key must be a flag of
// some command (top level) or of its command (in a section named after
// it); errors are positioned.
func readProject(path string, root *cobra.Command) (*project, error) {
	data, err := readSmallFile(path)
	if err != nil {
		return nil, fmt.Errorf("cannot read the project file %s: %v", path, err)
	}
	pr := &project{path: path, dir: filepath.Dir(path), top: map[string]projectValue{}, sections: map[string]map[string]projectValue{}}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		msg := err.Error()
		pos := diag.Pos{File: path}
		if m := yamlLine.FindStringSubmatch(msg); m != nil {
			pos.Line, _ = strconv.Atoi(m[1])
			msg = msg[len(m[0]):]
		}
		return nil, &diag.Error{Pos: pos, Code: diag.Invalid, Msg: "invalid YAML: " + strings.TrimPrefix(msg, "yaml: ")}
	}
	if len(doc.Content) == 0 {
		return pr, nil // an empty file sets nothing
	}
	body := doc.Content[0]
	posOf := func(n *yaml.Node) diag.Pos { return diag.Pos{File: path, Line: n.Line, Col: n.Column} }
	if body.Kind != yaml.MappingNode {
		return nil, diag.Errorf(posOf(body), diag.Invalid, "expected settings, key: value, one a line")
	}
	commands := map[string]*cobra.Command{}
	all := map[string]*pflag.Flag{}
	for _, c := range configurable(root) {
		commands[c.Name()] = c
		for name, f := range flagsOf(c) {
			all[name] = f
		}
	}
	var errs diag.List
	// scalar reads the value of a flag; a list is accepted for a flag
	// that takes several values.
	scalar := func(key, v *yaml.Node, f *pflag.Flag) (projectValue, bool) {
		switch {
		case v.Kind == yaml.ScalarNode && v.Tag != "!!null":
			return projectValue{value: v.Value, pos: posOf(v)}, true
		case v.Kind == yaml.SequenceNode && isList(f):
			var items []string
			for _, it := range v.Content {
				if it.Kind != yaml.ScalarNode {
					errs.Addf(posOf(it), diag.Invalid, "%s: expected a list of values", key.Value)
					return projectValue{}, false
				}
				items = append(items, it.Value)
			}
			var b bytes.Buffer
			w := csv.NewWriter(&b)
			_ = w.Write(items)
			w.Flush()
			return projectValue{value: strings.TrimSuffix(b.String(), "\n"), pos: posOf(v)}, true
		}
		errs.Addf(posOf(v), diag.Invalid, "%s: expected a value", key.Value)
		return projectValue{}, false
	}
	// entries walks a mapping, refusing duplicate keys.
	entries := func(m *yaml.Node, each func(k, v *yaml.Node)) {
		seen := map[string]int{}
		for i := 0; i+1 < len(m.Content); i += 2 {
			k, v := m.Content[i], m.Content[i+1]
			if line, ok := seen[k.Value]; ok {
				errs.Addf(posOf(k), diag.Invalid, "%q is set twice (first on line %d)", k.Value, line)
				continue
			}
			seen[k.Value] = k.Line
			each(k, v)
		}
	}
	topNames := append(names(all), names(commands)...)
	entries(body, func(k, v *yaml.Node) {
		name := k.Value
		if c, ok := commands[name]; ok && v.Kind == yaml.MappingNode {
			section := map[string]projectValue{}
			flags := flagsOf(c)
			entries(v, func(k, v *yaml.Node) {
				f := flags[k.Value]
				switch {
				case k.Value == "config":
					errs.Addf(posOf(k), diag.Invalid, "config cannot be set in the project file: it names the file (--config or QUOTEPART_CONFIG)")
				case f == nil:
					errs.Addf(posOf(k), diag.Invalid, "unknown key %q in the %s section%s", k.Value, name, diag.Suggest(k.Value, names(flags)))
				default:
					if pv, ok := scalar(k, v, f); ok {
						section[k.Value] = pv
					}
				}
			})
			pr.sections[name] = section
			return
		}
		f := all[name]
		switch {
		case name == "config":
			errs.Addf(posOf(k), diag.Invalid, "config cannot be set in the project file: it names the file (--config or QUOTEPART_CONFIG)")
		case f == nil:
			errs.Addf(posOf(k), diag.Invalid, "unknown key %q%s", name, diag.Suggest(name, topNames))
		default:
			if pv, ok := scalar(k, v, f); ok {
				pr.top[name] = pv
			}
		}
	})
	if len(errs) == 1 {
		return nil, errs[0]
	}
	if err := errs.Err(); err != nil {
		return nil, err
	}
	return pr, nil
}

// readSmallFile reads a regular file of at most maxProjectFile bytes.
func readSmallFile(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, diag.Cause(err)
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return nil, diag.Cause(err)
	}
	if !info.Mode().IsRegular() {
		return nil, errors.New("not a regular file")
	}
	data, err := io.ReadAll(io.LimitReader(f, maxProjectFile+1))
	if err != nil {
		return nil, diag.Cause(err)
	}
	if len(data) > maxProjectFile {
		return nil, fmt.Errorf("larger than %d bytes", maxProjectFile)
	}
	return data, nil
}

// configurable are the commands whose flags the configuration sets: every
// command but cobra's own (help, completion).
func configurable(root *cobra.Command) []*cobra.Command {
	var out []*cobra.Command
	for _, c := range root.Commands() {
		if c.Name() != "help" && c.Name() != "completion" {
			out = append(out, c)
		}
	}
	return out
}

// flagsOf returns every flag of a command, its own and those it inherits,
// but for --help.
func flagsOf(c *cobra.Command) map[string]*pflag.Flag {
	out := map[string]*pflag.Flag{}
	add := func(f *pflag.Flag) {
		if f.Name != "help" {
			out[f.Name] = f
		}
	}
	c.LocalFlags().VisitAll(add)
	c.InheritedFlags().VisitAll(add)
	return out
}

func names[T any](m map[string]T) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// isList tells a flag that takes several values (--allow-host a,b).
func isList(f *pflag.Flag) bool {
	t := f.Value.Type()
	return strings.HasSuffix(t, "Slice") || strings.HasSuffix(t, "Array")
}

// resolve works out the settings of a command from its flags: for each, the
// command line when cmdline says it was given there, else the environment
// or the project file as viper layers them, else the default. Values from
// the environment or the file are set on the flags; one that does not
// parse is an error naming where it came from.
func resolve(cmd *cobra.Command, flags map[string]*pflag.Flag, cmdline map[string]bool, pr *project) ([]setting, error) {
	fromFile := pr.values(cmd.Name(), flags)
	v := viper.New()
	v.SetEnvPrefix(envPrefix)
	v.SetEnvKeyReplacer(strings.NewReplacer("-", "_"))
	v.AutomaticEnv()
	layer := map[string]any{}
	for k, pv := range fromFile {
		value := pv.value
		if pathFlags[k] && value != "" && value != "-" && !filepath.IsAbs(value) {
			value = filepath.Join(pr.dir, value)
		}
		layer[k] = value
	}
	if err := v.MergeConfigMap(layer); err != nil {
		return nil, err
	}
	var out []setting
	var errs diag.List
	for _, name := range names(flags) {
		f := flags[name]
		s := setting{Name: name, Value: f.Value.String(), From: fromDefault, label: "--" + name}
		if isList(f) {
			s.Value = strings.Trim(s.Value, "[]")
		}
		switch pv, inFile := fromFile[name]; {
		case name == "config":
			// Set by findProject.
		case cmdline[name]:
			s.From = fromFlag
		case os.Getenv(envName(name)) != "":
			s.From, s.label, s.Value = envName(name), envName(name), v.GetString(name)
		case inFile:
			s.From = diag.Pos{File: pv.pos.File, Line: pv.pos.Line}.String()
			s.label, s.pos, s.Value = pv.pos.String()+": "+name, pv.pos, v.GetString(name)
		}
		if s.From != fromFlag && s.From != fromDefault {
			if err := cmd.Flags().Set(name, s.Value); err != nil {
				errs.Add(s.errorf("expected %s, found %q", expected(f), s.Value))
				continue
			}
		}
		out = append(out, s)
	}
	if len(errs) == 1 {
		return nil, errs[0]
	}
	return out, errs.Err()
}

// errorf words a problem with a setting, naming where it came from: at its
// position in the project file, or after its flag or variable.
func (s setting) errorf(format string, args ...any) error {
	if !s.pos.IsZero() {
		return diag.Errorf(s.pos, diag.Invalid, "%s: "+format, append([]any{s.Name}, args...)...)
	}
	return fmt.Errorf("%s: "+format, append([]any{s.label}, args...)...)
}

// wrap prefixes an error about a setting's value with where the value came
// from, when not from the command line: QUOTEPART_LANG: unknown language...
func (s setting) wrap(err error) error {
	switch {
	case err == nil || s.From == fromFlag || s.From == fromDefault:
		return err
	case !s.pos.IsZero():
		return diag.Errorf(s.pos, diag.Invalid, "%s: %v", s.Name, err)
	}
	return fmt.Errorf("%s: %w", s.label, err)
}

// expected words what a flag's value must be, for its type.
func expected(f *pflag.Flag) string {
	switch f.Value.Type() {
	case "int", "int8", "int16", "int32", "int64", "count":
		return "a whole number"
	case "uint", "uint8", "uint16", "uint32", "uint64":
		return "a whole number, 0 or more"
	case "float32", "float64":
		return "a number"
	case "bool":
		return "true or false"
	case "duration":
		return "a duration such as 90s, 5m or 1h30m"
	}
	return "a value"
}

// flagError words an error of the command line's flags without Go's
// words: --draws: expected a whole number, found "x".
func flagError(err error) error {
	var invalid *pflag.InvalidValueError
	if errors.As(err, &invalid) {
		return fmt.Errorf("--%s: expected %s, found %q", invalid.GetFlag().Name, expected(invalid.GetFlag()), invalid.GetValue())
	}
	return err
}
