package version

import (
	"fmt"
	"runtime"
	"runtime/debug"
	"strings"
)

// stamped is the version a release build sets with -ldflags -X; it wins
// over the module version.
var stamped string

// Devel is the version of a build that knows none: a `go build` without
// VCS information, and every test binary.
const Devel = "(devel)"

// Info is what a binary knows about its own build.
type Info struct {
	// Version is the stamped version, else the module version, else
	// Devel.
	Version string
	// Revision is the VCS revision (a git commit hash), "" when unknown;
	// Time is its commit time (RFC 3339) and Modified says whether the
	// tree had uncommitted changes.
	Revision, Time string
	Modified       bool
	// GoVersion is the toolchain that built the binary (go1.26.0);
	// Platform is GOOS/GOARCH.
	GoVersion, Platform string
}

// Get returns the running binary's build information.
func Get() Info {
	bi, _ := debug.ReadBuildInfo()
	return FromBuildInfo(bi, stamped)
}

// FromBuildInfo reads the build information of a binary (nil when the
// binary has none) and the version a release stamped ("" when none).
func FromBuildInfo(bi *debug.BuildInfo, stamp string) Info {
	info := Info{Version: Devel, GoVersion: runtime.Version(), Platform: runtime.GOOS + "/" + runtime.GOARCH}
	if bi != nil {
		if bi.GoVersion != "" {
			info.GoVersion = bi.GoVersion
		}
		if v := bi.Main.Version; v != "" {
			info.Version = v
		}
		var goos, goarch string
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				info.Revision = s.Value
			case "vcs.time":
				info.Time = s.Value
			case "vcs.modified":
				info.Modified = s.Value == "true"
			case "GOOS":
				goos = s.Value
			case "GOARCH":
				goarch = s.Value
			}
		}
		if goos != "" && goarch != "" {
			info.Platform = goos + "/" + goarch
		}
	}
	if s := strings.TrimSpace(stamp); s != "" {
		info.Version = s
	}
	return info
}

// Label is the version as outputs record it: the version, and for a
// development build the revision it was built from, so that two builds
// of different trees never share a label: "v1.2.3",
// "v0.0.0-20260102150405-abcdef123456+dirty", "(devel)",
// "(devel)-abcdef123456+dirty".
func (i Info) Label() string {
	if i.Version != Devel || i.Revision == "" {
		return i.Version
	}
	l := i.Version + "-" + short(i.Revision)
	if i.Modified {
		l += "+dirty"
	}
	return l
}

// String is what `quotepart version` prints: the version, then one line
// each for the revision and the toolchain.
func (i Info) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "quotepart %s\n", i.Version)
	if i.Revision != "" {
		rev := i.Revision
		var notes []string
		if i.Time != "" {
			notes = append(notes, i.Time)
		}
		if i.Modified {
			notes = append(notes, "modified")
		}
		if len(notes) > 0 {
			rev += " (" + strings.Join(notes, ", ") + ")"
		}
		fmt.Fprintf(&b, "revision  %s\n", rev)
	} else {
		fmt.Fprintf(&b, "revision  unknown (built without version control information)\n")
	}
	fmt.Fprintf(&b, "go        %s %s\n", i.GoVersion, i.Platform)
	return b.String()
}

// short cuts a commit hash to the twelve characters Go's pseudo-versions
// use.
func short(rev string) string {
	if len(rev) > 12 {
		return rev[:12]
	}
	return rev
}
