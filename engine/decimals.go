package engine

import (
	"math/big"

	"github.com/shopspring/decimal"
)

// Fast paths for the decimal sums of the year loop. shopspring/decimal
// brings two operands to a common exponent by computing a power of ten
// with big.Int.Exp on every Add, Sub and Cmp whose exponents differ: a key
// has twenty decimals, an amount two, so nearly every sum of combine and
// Allocate paid for one (about half the time of a large run, see
// docs/performance.md). These helpers give exactly the value and the
// exponent the library gives, with the powers of ten cached.

var pow10Cache = func() []*big.Int {
	c := make([]*big.Int, 80)
	p := big.NewInt(1)
	for i := range c {
		c[i] = new(big.Int).Set(p)
		p.Mul(p, big.NewInt(10))
	}
	return c
}()

// pow10 returns 10^n for n ≥ 0; the result must not be modified.
func pow10(n int) *big.Int {
	if n < len(pow10Cache) {
		return pow10Cache[n]
	}
	return new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(n)), nil)
}

// add returns x + y, equal in value and exponent to x.Add(y).
func add(x, y decimal.Decimal) decimal.Decimal {
	ex, ey := x.Exponent(), y.Exponent()
	switch {
	case ex == ey:
		return x.Add(y)
	case ex > ey:
		if x.IsZero() {
			return decimal.NewFromBigInt(new(big.Int), ey).Add(y)
		}
		v := x.Coefficient()
		v.Mul(v, pow10(int(ex-ey)))
		return decimal.NewFromBigInt(v.Add(v, y.Coefficient()), ey)
	default:
		if y.IsZero() {
			return x.Add(decimal.NewFromBigInt(new(big.Int), ex))
		}
		v := y.Coefficient()
		v.Mul(v, pow10(int(ey-ex)))
		return decimal.NewFromBigInt(v.Add(v, x.Coefficient()), ex)
	}
}

// accumulate returns acc + y, equal in value and exponent to acc.Add(y),
// for a running sum: while acc is a zero of an exponent no smaller than
// y's (decimal.Zero is 0 × 10^1), the sum is y as it is.
func accumulate(acc, y decimal.Decimal) decimal.Decimal {
	if acc.IsZero() && y.Exponent() <= acc.Exponent() {
		return y
	}
	return add(acc, y)
}

// zeros by exponent, from 1 down to -62, shared: decimals are never
// modified in place.
var zeroByExp = func() []decimal.Decimal {
	z := make([]decimal.Decimal, 64)
	for i := range z {
		z[i] = decimal.New(0, int32(1-i))
	}
	return z
}()

// zeroAt returns zero with exponent exp.
func zeroAt(exp int32) decimal.Decimal {
	if i := 1 - int(exp); i >= 0 && i < len(zeroByExp) {
		return zeroByExp[i]
	}
	return decimal.New(0, exp)
}
