package whatif

import (
	"context"
	"fmt"
	"time"

	"github.com/quotepart/quotepart/internal/app"
	"github.com/quotepart/quotepart/reports"
)

// Reload says how a handler follows the files its rules come from: every
// Every it asks Stamp what they look like; when the answer changes and
// then holds for one more look (an editor may write a file in several
// steps), it loads the workspace again with Load and builds a new
// Simulator on it. A broken edit (a file that does not load, a scenario
// that no longer runs) does not stop the server: the handler keeps the
// last rules that loaded and the page shows the errors (Handler.Refuse),
// until a later edit loads (Handler.Swap).
type Reload struct {
	Every time.Duration
	// Loaded is the stamp of the files the handler's rules were read
	// from, taken before they were read, so that an edit made while they
	// were read, or before Watch started, is seen.
	Loaded string
	Stamp  func() (string, error)
	Load   func(context.Context) (*app.Workspace, error)
	// Logf, when set, is told of each reload and each refusal.
	Logf func(format string, args ...any)
}

// Watch follows the files of r until ctx ends.
func (h *Handler) Watch(ctx context.Context, r Reload) {
	if r.Every <= 0 || r.Stamp == nil || r.Load == nil {
		return
	}
	logf := r.Logf
	if logf == nil {
		logf = func(string, ...any) {}
	}
	current, pending := r.Loaded, ""
	t := time.NewTicker(r.Every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		stamp, err := r.Stamp()
		switch {
		case err != nil:
			h.Refuse(fmt.Errorf("les fichiers ne peuvent pas être lus : %w", err))
			continue
		case stamp == current:
			pending = ""
			continue
		case stamp != pending:
			pending = stamp // changed: see that it holds
			continue
		}
		current, pending = stamp, ""
		sim, err := h.rebuild(ctx, r.Load)
		if err != nil {
			if ctx.Err() != nil {
				return
			}
			logf("the rules as edited do not load; the page keeps the last ones that did:\n%v", err)
			h.Refuse(err)
			continue
		}
		h.Swap(sim)
		logf("rules reloaded: the page shows their new version")
	}
}

// rebuild loads the workspace again and builds a Simulator on it.
func (h *Handler) rebuild(ctx context.Context, load func(context.Context) (*app.Workspace, error)) (*Simulator, error) {
	ws, err := load(ctx)
	if err != nil {
		return nil, safeError{err}
	}
	sim, err := New(ctx, ws)
	if err != nil {
		return nil, safeError{err}
	}
	return sim, nil
}

// safeError is an error of the rules' files as the page shows it: their
// control and bidirectional characters escaped.
type safeError struct{ err error }

func (e safeError) Error() string { return reports.SafeLines(e.err.Error()) }
func (e safeError) Unwrap() error { return e.err }
