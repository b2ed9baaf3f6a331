package cli

import (
	"io"

	"github.com/quotepart/quotepart/internal/version"
	"github.com/spf13/cobra"
)

func (p *program) versionCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print quotepart's version, the revision it was built from and the Go version",
		Long: `version prints which quotepart this is: the version (stamped by a release build,
the module version for go install ...@vX.Y.Z, or a pseudo-version or (devel) for
a go build), the git revision and its time, whether the tree had uncommitted
changes, and the Go version and platform that built it. quotepart --version
prints the same.

Every machine-readable output (run, compare, explain, evaluate, test and diff
JSON; the HTML, Markdown and XLSX reports) records the version and a digest of
the files it read: see docs/output.md.`,
		Example: `  quotepart version
  quotepart --version`,
		Args: cobra.NoArgs,
		// The version is wanted most when something is wrong: it reads
		// no project file and no setting.
		PersistentPreRunE: func(*cobra.Command, []string) error { return nil },
		RunE: func(cmd *cobra.Command, _ []string) error {
			_, err := io.WriteString(p.stdout, version.Get().String())
			return err
		},
	}
}

// setVersion gives the root command --version, which prints what the
// version command prints.
func setVersion(root *cobra.Command) {
	info := version.Get()
	root.Version = info.Version
	if root.Annotations == nil {
		root.Annotations = map[string]string{}
	}
	// Through an annotation, so that nothing in the version is read as
	// template syntax.
	root.Annotations["version"] = info.String()
	root.SetVersionTemplate(`{{index .Annotations "version"}}`)
}
