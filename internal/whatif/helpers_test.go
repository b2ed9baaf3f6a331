package whatif

import (
	"context"
	"sync"
	"testing"

	"github.com/quotepart/quotepart/rules"
	"github.com/quotepart/quotepart/scenarios"
)

var (
	defaultOnce sync.Once
	defaultSim  *Simulator
	defaultErr  error
)

// defaultSimulator is a Simulator on the embedded Rouen rules and
// scenarios, built once for the package's tests.
func defaultSimulator(t testing.TB) *Simulator {
	t.Helper()
	defaultOnce.Do(func() {
		var ws Workspace
		if ws.Rules, defaultErr = rules.LoadDefaults(); defaultErr != nil {
			return
		}
		if ws.Catalog, defaultErr = scenarios.LoadDir(scenarios.Defaults(), ".", scenarios.DefaultDir); defaultErr != nil {
			return
		}
		if ws.Projects, defaultErr = scenarios.LoadProjects(scenarios.Defaults(), scenarios.ProjectsDir, scenarios.DefaultDir+"/"+scenarios.ProjectsDir); defaultErr != nil {
			return
		}
		defaultSim, defaultErr = New(context.Background(), ws)
	})
	if defaultErr != nil {
		t.Fatal(defaultErr)
	}
	return defaultSim
}
