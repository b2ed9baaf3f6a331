// Package version says which quotepart is running, so that a CI log, a
// bill or a report can name the build that produced it.
//
// The facts come from what the Go toolchain records in every binary
// (runtime/debug.ReadBuildInfo): the module version (v1.2.3 for `go
// install ...@v1.2.3`, a pseudo-version such as
// v0.0.0-20260102150405-abcdef123456+dirty for a `go build` in a git
// checkout, "(devel)" when nothing is known), the VCS revision, its time
// and whether the tree was modified, and the Go version. A release build
// (.ci/release) stamps its version over the module's with
//
//	-ldflags "-X github.com/quotepart/quotepart/internal/version.stamped=v1.2.3"
//
// Test binaries are never stamped by the go command (it records no VCS
// facts for them and sets no -X unless asked), so every test sees the
// version "(devel)" and the goldens that record it do not depend on the
// build; a test of this package fails loudly if that ever stops holding.
package version
