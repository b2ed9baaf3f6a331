package version

import (
	"runtime/debug"
	"strings"
	"testing"
)

func TestFromBuildInfo(t *testing.T) {
	vcs := []debug.BuildSetting{
		{Key: "GOOS", Value: "windows"}, {Key: "GOARCH", Value: "amd64"},
		{Key: "vcs.revision", Value: "0123456789abcdef0123456789abcdef01234567"},
		{Key: "vcs.time", Value: "2026-01-02T15:04:05Z"},
		{Key: "vcs.modified", Value: "true"},
	}
	tests := []struct {
		name      string
		bi        *debug.BuildInfo
		stamp     string
		version   string
		label     string
		revision  string
		modified  bool
		platform  string
		goVersion string
	}{
		{name: "no build information", bi: nil, version: Devel, label: Devel},
		{name: "go install @v1.2.3", bi: &debug.BuildInfo{GoVersion: "go1.26.0", Main: debug.Module{Version: "v1.2.3"}},
			version: "v1.2.3", label: "v1.2.3", goVersion: "go1.26.0"},
		{name: "go build in a checkout", bi: &debug.BuildInfo{GoVersion: "go1.26.0", Main: debug.Module{Version: "v0.0.0-20260102150405-0123456789ab+dirty"}, Settings: vcs},
			version: "v0.0.0-20260102150405-0123456789ab+dirty", label: "v0.0.0-20260102150405-0123456789ab+dirty",
			revision: "0123456789abcdef0123456789abcdef01234567", modified: true, platform: "windows/amd64", goVersion: "go1.26.0"},
		{name: "devel with a revision", bi: &debug.BuildInfo{Main: debug.Module{Version: Devel}, Settings: vcs},
			version: Devel, label: "(devel)-0123456789ab+dirty", revision: "0123456789abcdef0123456789abcdef01234567", modified: true, platform: "windows/amd64"},
		{name: "a release stamps its version", bi: &debug.BuildInfo{Main: debug.Module{Version: Devel}, Settings: vcs[:3]}, stamp: " v2.0.0 ",
			version: "v2.0.0", label: "v2.0.0", revision: "0123456789abcdef0123456789abcdef01234567", platform: "windows/amd64"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := FromBuildInfo(tt.bi, tt.stamp)
			if got.Version != tt.version || got.Label() != tt.label || got.Revision != tt.revision || got.Modified != tt.modified {
				t.Errorf("got %+v, label %q; want version %q, label %q, revision %q, modified %v", got, got.Label(), tt.version, tt.label, tt.revision, tt.modified)
			}
			if tt.platform != "" && got.Platform != tt.platform {
				t.Errorf("platform %q, want %q", got.Platform, tt.platform)
			}
			if tt.goVersion != "" && got.GoVersion != tt.goVersion {
				t.Errorf("go version %q, want %q", got.GoVersion, tt.goVersion)
			}
		})
	}
}

func TestString(t *testing.T) {
	i := Info{Version: "v1.2.3", Revision: "abc", Time: "2026-01-02T15:04:05Z", Modified: true, GoVersion: "go1.26.0", Platform: "linux/arm64"}
	want := "quotepart v1.2.3\nrevision  abc (2026-01-02T15:04:05Z, modified)\ngo        go1.26.0 linux/arm64\n"
	if got := i.String(); got != want {
		t.Errorf("String() =\n%s\nwant\n%s", got, want)
	}
	if got := (Info{Version: Devel, GoVersion: "go1.26.0", Platform: "linux/amd64"}).String(); !strings.Contains(got, "revision  unknown") {
		t.Errorf("String() without a revision = %q", got)
	}
}

// TestTestBinaryIsDevel is what lets goldens record the version: the go
// command stamps no test binary. If a test run ever passes -ldflags -X or
// gains VCS facts, the goldens would depend on the build: this fails first.
func TestTestBinaryIsDevel(t *testing.T) {
	if got := Get().Label(); got != Devel {
		t.Fatalf("a test binary has version %q, want %q: goldens record the version and would depend on the build", got, Devel)
	}
}
