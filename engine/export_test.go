package engine

// SetFastPath turns the evaluation of formulas through bound closures on
// or off (off: every formula runs on expr's VM, as before) and returns the
// previous setting. Not safe to call while a run is going on.
func SetFastPath(on bool) bool {
	was := fastPath
	fastPath = on
	return was
}

// Add, Accumulate and ZeroAt expose the decimal helpers to the tests.
var (
	Add        = add
	Accumulate = accumulate
	ZeroAt     = zeroAt
)
