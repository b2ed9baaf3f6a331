package engine

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/quotepart/quotepart/internal/diag"
	"gonum.org/v1/gonum/stat"
	"gonum.org/v1/gonum/stat/distuv"
)

// Distribution names the law of an uncertainty factor.
type Distribution int

const (
	Triangular Distribution = iota // low, mode, high
	PERT                           // low, mode, high: a Beta scaled to [low, high], weight 4 on the mode
	Normal                         // mean, sd
	LogNormal                      // mu, sigma of the factor's logarithm
	Uniform                        // low, high
)

// Uncertainty is the law of the factor that scales a line's values: a
// factor of 1 is the value as written. One factor is drawn per line and
// draw, and applies to every year of the line: an estimate that is off is
// off every year.
type Uncertainty struct {
	Dist            Distribution
	Low, Mode, High float64 // Triangular, PERT, Uniform
	Mean, SD        float64 // Normal; LogNormal: mu and sigma of log(factor)
	Pos             diag.Pos
}

// sampler returns a function drawing factors from src.
func (u *Uncertainty) sampler(src rand.Source) func() float64 {
	switch u.Dist {
	case Triangular:
		if u.Low == u.High {
			return func() float64 { return u.Low }
		}
		return distuv.NewTriangle(u.Low, u.High, u.Mode, src).Rand
	case PERT:
		if u.Low == u.High {
			return func() float64 { return u.Low }
		}
		span := u.High - u.Low
		b := distuv.Beta{Alpha: 1 + 4*(u.Mode-u.Low)/span, Beta: 1 + 4*(u.High-u.Mode)/span, Src: src}
		return func() float64 { return u.Low + span*b.Rand() }
	case Normal:
		return distuv.Normal{Mu: u.Mean, Sigma: u.SD, Src: src}.Rand
	case LogNormal:
		return distuv.LogNormal{Mu: u.Mean, Sigma: u.SD, Src: src}.Rand
	default:
		return distuv.Uniform{Min: u.Low, Max: u.High, Src: src}.Rand
	}
}

// MonteCarloOptions set a simulation's size and seed.
type MonteCarloOptions struct {
	Draws int
	Seed  uint64
	// Workers run draws in parallel; 0 means one per CPU. The result does
	// not depend on it: draw i always uses the stream (Seed, i).
	Workers int
	// Progress, when set, is called from the calling goroutine with the
	// number of draws done, at most every 100 ms and once at the end.
	Progress func(done, total int)
}

// Spread summarises the draws of one indicator.
type Spread struct {
	Mean, P10, P50, P90 float64
	// Positive is the share of draws above zero.
	Positive float64
}

// Simulated is the spread of a project's (or the portfolio's) indicators.
type Simulated struct {
	ID        string
	NPV       Spread
	Monetized Spread
	// Net is the net over the horizon per dimension (gains − efforts), in
	// the order of the evaluation's dimensions.
	Net []Spread
}

// Simulation is the result of MonteCarlo.
type Simulation struct {
	Draws     int
	Seed      uint64
	Projects  []Simulated
	Portfolio Simulated // all the projects given, together
}

// Each project has 2 + len(dimensions) indicators drawn: its NPV, its
// monetized value, and the net of each dimension.
const (
	npvIndicator       = 0
	monetizedIndicator = 1
	firstNetIndicator  = 2
)

// weights collapse a line's years into one number per indicator: since a
// draw scales every year of a line by the same factor, each indicator is a
// sum over lines of factor × weight.
type lineWeights struct {
	project int
	w       []float64 // per indicator
	u       *Uncertainty
}

// MonteCarlo draws opt.Draws joint outcomes of the uncertain lines of set
// and returns the spread of each project's indicators and of their sum.
// The same inputs and seed give the same result, whatever the number of
// workers. It stops early, with ctx's error, when ctx is cancelled.
func MonteCarlo(ctx context.Context, set []Assessed, opt MonteCarloOptions) (*Simulation, error) {
	if opt.Draws < 1 {
		return nil, diag.Errorf(diag.Pos{}, diag.Invalid, "the number of draws must be at least 1, found %d", opt.Draws)
	}
	var dims []Dimension
	if len(set) > 0 {
		dims = set[0].Dimensions
	}
	perProject := firstNetIndicator + len(dims)
	var lines []lineWeights
	for pi, a := range set {
		for li, l := range a.Project.Lines {
			lw := lineWeights{project: pi, u: l.Uncertainty, w: make([]float64, perProject)}
			sign := 1.0
			if l.Side == Effort {
				sign = -1
			}
			for yi := range a.Years {
				v := sign * a.Values[li][yi].InexactFloat64()
				disc := a.Discount[yi].InexactFloat64()
				switch dims[l.Dim].Valued {
				case AsMoney:
					lw.w[npvIndicator] += v * disc
					lw.w[monetizedIndicator] += v * disc
				case ByPrice:
					lw.w[monetizedIndicator] += v * a.Prices[l.Dim][yi].InexactFloat64() * disc
				case NotValued:
				}
				lw.w[firstNetIndicator+l.Dim] += v
			}
			lines = append(lines, lw)
		}
	}
	nInd := (len(set) + 1) * perProject // the portfolio comes last
	samples := make([][]float64, nInd)
	for i := range samples {
		samples[i] = make([]float64, opt.Draws)
	}
	workers := opt.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	workers = min(workers, opt.Draws)
	var done atomic.Int64
	var wg sync.WaitGroup
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	chunk := (opt.Draws + workers - 1) / workers
	for w := range workers {
		from, to := w*chunk, min((w+1)*chunk, opt.Draws)
		if from >= to {
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			drawRange(ctx, lines, len(set), perProject, samples, from, to, opt.Seed, &done)
		}()
	}
	finished := make(chan struct{})
	go func() { wg.Wait(); close(finished) }()
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for running := true; running; {
		select {
		case <-finished:
			running = false
		case <-tick.C:
			if opt.Progress != nil {
				opt.Progress(int(done.Load()), opt.Draws)
			}
		}
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if opt.Progress != nil {
		opt.Progress(opt.Draws, opt.Draws)
	}
	sim := &Simulation{Draws: opt.Draws, Seed: opt.Seed}
	for pi := 0; pi <= len(set); pi++ {
		s := Simulated{ID: "portfolio"}
		if pi < len(set) {
			s.ID = set[pi].Project.ID
		}
		base := pi * perProject
		s.NPV = spread(samples[base+npvIndicator])
		s.Monetized = spread(samples[base+monetizedIndicator])
		s.Net = make([]Spread, len(dims))
		for d := range s.Net {
			s.Net[d] = spread(samples[base+firstNetIndicator+d])
		}
		if pi < len(set) {
			sim.Projects = append(sim.Projects, s)
		} else {
			sim.Portfolio = s
		}
	}
	return sim, nil
}

// drawRange computes draws [from, to). Draw i uses its own PCG stream
// seeded (seed, i), so results do not depend on how draws are shared out.
func drawRange(ctx context.Context, lines []lineWeights, projects, perProject int, samples [][]float64, from, to int, seed uint64, done *atomic.Int64) {
	src := rand.NewPCG(seed, 0)
	samplers := make([]func() float64, len(lines))
	for i := range lines {
		if lines[i].u != nil {
			samplers[i] = lines[i].u.sampler(src)
		}
	}
	acc := make([]float64, (projects+1)*perProject)
	portfolio := projects * perProject
	for i := from; i < to; i++ {
		if (i-from)%1024 == 0 {
			if ctx.Err() != nil {
				return
			}
		}
		src.Seed(seed, uint64(i))
		clear(acc)
		for li := range lines {
			l := &lines[li]
			f := 1.0
			if samplers[li] != nil {
				f = samplers[li]()
			}
			base := l.project * perProject
			for k, w := range l.w {
				acc[base+k] += f * w
				acc[portfolio+k] += f * w
			}
		}
		for k, v := range acc {
			samples[k][i] = v
		}
		if (i-from)%256 == 255 {
			done.Add(256)
		}
	}
	done.Add(int64((to - from) % 256))
}

// spread sorts x in place and summarises it.
func spread(x []float64) Spread {
	slices.Sort(x)
	positive := 0
	sum := 0.0
	for _, v := range x {
		sum += v
		if v > 0 {
			positive++
		}
	}
	return Spread{
		Mean:     sum / float64(len(x)),
		P10:      stat.Quantile(0.1, stat.Empirical, x, nil),
		P50:      stat.Quantile(0.5, stat.Empirical, x, nil),
		P90:      stat.Quantile(0.9, stat.Empirical, x, nil),
		Positive: float64(positive) / float64(len(x)),
	}
}

// Validate checks a distribution's parameters.
func (u *Uncertainty) Validate() error {
	finite := func(xs ...float64) bool {
		for _, x := range xs {
			if math.IsNaN(x) || math.IsInf(x, 0) {
				return false
			}
		}
		return true
	}
	switch u.Dist {
	case Triangular, PERT:
		if !finite(u.Low, u.Mode, u.High) || u.Low > u.Mode || u.Mode > u.High {
			return fmt.Errorf("expected low ≤ mode ≤ high, found low %g, mode %g, high %g", u.Low, u.Mode, u.High)
		}
	case Uniform:
		if !finite(u.Low, u.High) || u.Low > u.High {
			return fmt.Errorf("expected low ≤ high, found low %g, high %g", u.Low, u.High)
		}
	case Normal, LogNormal:
		if !finite(u.Mean, u.SD) || u.SD < 0 {
			return fmt.Errorf("expected a finite mean and a standard deviation ≥ 0, found mean %g, sd %g", u.Mean, u.SD)
		}
	}
	return nil
}
