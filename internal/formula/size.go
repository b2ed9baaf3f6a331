package formula

import (
	"fmt"
	"math/big"
	"unsafe"

	"github.com/shopspring/decimal"
)

// This file bounds the size of the numbers an evaluation builds. Exact
// decimals grow without end under multiplication — squaring a value
// through previous doubles its digits every year — so every operation
// that can make a value much longer than its operands (*, /, pow) is
// checked against Limits.MaxDigits, before computing from the operands'
// digit counts and exponents, and exactly on the result when it comes
// close. Addition adds at most one digit, and an expression has a bounded
// number of nodes, so it is not checked.
//
// The size of a value is the number of digits it takes written out in
// full, without an exponent: its integer digits plus its decimal places
// (123.45 has 5, 0.001 has 3, 1e6 has 7). Bounding it bounds the length
// of the coefficient and the exponent alike, which keeps
// shopspring/decimal's int32 exponent far from overflowing and the cost
// of one operation small.

// LimitError is a limit of the environment that an expression reached: a
// value with too many digits, an expression too long or too large, the
// memory budget. Callers classify it apart from other errors (a limit,
// not a mistake in the formula).
type LimitError struct {
	// Limit names what is limited, as the documentation does: "digits",
	// "length", "nodes", "memory".
	Limit string
	// Max is the value of the limit.
	Max int
	Msg string
}

func (e *LimitError) Error() string { return e.Msg }

// digitsError returns the error of a value that would have more than max
// digits.
func digitsError(max int) *LimitError {
	return &LimitError{Limit: "digits", Max: max,
		Msg: fmt.Sprintf("the result would have more than %s digits (the limit of a value; docs/limits.md)", Thousands(max))}
}

// Thousands writes n with a comma between groups of three digits, as the
// messages and the documentation write limits: 1,000.
func Thousands(n int) string {
	s := fmt.Sprint(n)
	neg := len(s) > 0 && s[0] == '-'
	if neg {
		s = s[1:]
	}
	var b []byte
	for i := range len(s) {
		if i > 0 && (len(s)-i)%3 == 0 {
			b = append(b, ',')
		}
		b = append(b, s[i])
	}
	if neg {
		return "-" + string(b)
	}
	return string(b)
}

// decimalLayout mirrors shopspring/decimal's Decimal (a coefficient and an
// exponent), so that the size of a coefficient can be read without
// copying it: Decimal.Coefficient copies, and Decimal.NumDigits computes
// a power of ten, each costing about as much as the multiplication being
// checked. TestDecimalLayout pins the mirror to the library.
type decimalLayout struct {
	value *big.Int
	exp   int32
}

// The mirror has the size of the library's type.
var _ = [1]struct{}{}[unsafe.Sizeof(decimal.Decimal{})-unsafe.Sizeof(decimalLayout{})]

// coefficientBits is the bit length of |x|'s coefficient, 0 for zero.
func coefficientBits(x *decimal.Decimal) int {
	v := (*decimalLayout)(unsafe.Pointer(x)).value
	if v == nil {
		return 0
	}
	return v.BitLen()
}

// digitBounds bounds the number of digits of x's coefficient: lo ≤ n ≤ hi.
// Zero counts one digit.
func digitBounds(x *decimal.Decimal) (lo, hi int64) {
	bits := int64(coefficientBits(x))
	if bits <= 1 {
		return 1, 1
	}
	// 2^(bits-1) ≤ c < 2^bits, and log10(2) is between 0.30102 and 0.30103.
	return (bits-1)*30102/100000 + 1, bits*30103/100000 + 1
}

// span is the size of a value whose coefficient has n digits and whose
// exponent is e: its digits written out in full.
func span(n, e int64) int64 {
	if e >= 0 {
		return n + e
	}
	return max(n, -e)
}

// Digits returns the number of digits x takes written out in full: its
// integer digits and its decimal places (0.001 has 3, 1e6 has 7).
func Digits(x decimal.Decimal) int {
	if lo, hi := digitBounds(&x); lo == hi {
		return int(span(lo, int64(x.Exponent())))
	}
	return int(span(int64(x.NumDigits()), int64(x.Exponent())))
}

// sizer checks values against a number of digits; zero means no limit.
type sizer struct{ max int64 }

// fits reports whether x has at most s.max digits, without computing them
// exactly unless x comes close.
func (s sizer) fits(x *decimal.Decimal) bool {
	if s.max <= 0 {
		return true
	}
	lo, hi := digitBounds(x)
	e := int64(x.Exponent())
	switch {
	case span(hi, e) <= s.max:
		return true
	case span(lo, e) > s.max:
		return false
	}
	return span(int64(x.NumDigits()), e) <= s.max
}

// check returns a *LimitError when x has more than s.max digits.
func (s sizer) check(x decimal.Decimal) error {
	if s.fits(&x) {
		return nil
	}
	return digitsError(int(s.max))
}

// mul returns x × y, refusing before computing it a product that would
// have too many digits.
func (s sizer) mul(x, y decimal.Decimal) (decimal.Decimal, error) {
	if s.max <= 0 {
		return x.Mul(y), nil
	}
	xlo, _ := digitBounds(&x)
	ylo, _ := digitBounds(&y)
	// The product's coefficient has at least xlo + ylo - 1 digits, and
	// its exponent is the sum of the exponents.
	if span(xlo+ylo-1, int64(x.Exponent())+int64(y.Exponent())) > s.max {
		return decimal.Decimal{}, digitsError(int(s.max))
	}
	r := x.Mul(y)
	return r, s.check(r)
}

// leading is the position of x's leading digit: 10^(l-1) ≤ |x| < 10^l
// with lo ≤ l ≤ hi.
func leading(x *decimal.Decimal) (lo, hi int64) {
	nlo, nhi := digitBounds(x)
	e := int64(x.Exponent())
	return nlo + e, nhi + e
}

// div returns x / y rounded half away from zero to DivisionScale places,
// refusing before computing it a quotient that would have too many
// digits, or operands whose scales are so far apart that aligning them
// would build a number of too many digits.
func (s sizer) div(x, y decimal.Decimal) (decimal.Decimal, error) {
	if y.IsZero() {
		return decimal.Decimal{}, ErrDivisionByZero
	}
	if s.max > 0 {
		xlo, _ := leading(&x)
		_, yhi := leading(&y)
		// |x / y| ≥ 10^(xlo - yhi - 1): at least xlo - yhi integer
		// digits, and DivisionScale places.
		if !x.IsZero() && span(max(xlo-yhi, 0)+DivisionScale, -DivisionScale) > s.max {
			return decimal.Decimal{}, digitsError(int(s.max))
		}
		// The division aligns x and y on a common scale: a power of ten
		// of their exponents' difference, which values within the limit
		// keep below twice the limit.
		if d := int64(x.Exponent()) - int64(y.Exponent()); d > 4*s.max || d < -4*s.max {
			return decimal.Decimal{}, digitsError(int(s.max))
		}
	}
	return x.DivRound(y, DivisionScale), nil
}

// pow returns x to the whole power n, |n| ≤ maxPower, refusing before
// computing it a power that would have too many digits.
func (s sizer) pow(x, n decimal.Decimal) (decimal.Decimal, error) {
	if !n.IsInteger() || n.Abs().GreaterThan(decimal.NewFromInt(maxPower)) {
		return decimal.Decimal{}, argumentError("pow: the exponent must be a whole number from -%d to %d, found %s", maxPower, maxPower, n)
	}
	k := n.IntPart()
	abs := k
	if abs < 0 {
		abs = -abs
	}
	if s.max > 0 && abs > 0 {
		lo, _ := digitBounds(&x)
		// x^k has at least k(lo - 1) + 1 digits and the exponent k × e.
		if span(abs*(lo-1)+1, abs*int64(x.Exponent())) > s.max {
			return decimal.Decimal{}, digitsError(int(s.max))
		}
	}
	// By squaring: the product is exact, so it is the same coefficient
	// and exponent as k multiplications, in about log2(k) of them.
	r, base := decimal.NewFromInt(1), x
	for e := abs; e > 0; e >>= 1 {
		if e&1 == 1 {
			r = r.Mul(base)
		}
		if e > 1 {
			base = base.Mul(base)
		}
	}
	if err := s.check(r); err != nil {
		return decimal.Decimal{}, err
	}
	if k < 0 {
		return s.div(decimal.NewFromInt(1), r)
	}
	return r, nil
}
