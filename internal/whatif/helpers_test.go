package whatif

import (
	"context"
	"sync"
	"testing"

	"github.com/quotepart/quotepart/internal/app"
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
		ws, err := app.OpenDefaults()
		if err != nil {
			defaultErr = err
			return
		}
		defaultSim, defaultErr = New(context.Background(), ws)
	})
	if defaultErr != nil {
		t.Fatal(defaultErr)
	}
	return defaultSim
}
