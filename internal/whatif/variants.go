package whatif

import (
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
)

// MaxVariants is the number of what-ifs the page sets side by side.
const MaxVariants = 3

// Variants is the state of the whole page: up to MaxVariants what-ifs,
// each a State, all compared with the same base, and the one the form
// edits. In the address, the first variant's parameters are written as
// they are (etc.UNIT.YEAR, p.PARAM...), the second's prefixed with v2.,
// the third's with v3.; compare is the base of all of them, and variante
// the one the form edits (1 when left out).
type Variants struct {
	States []State
	// Active is the index in States of the variant the form edits.
	Active int
}

// variantPrefix is the prefix of variant i's parameters in the address.
func variantPrefix(i int) string {
	if i == 0 {
		return ""
	}
	return fmt.Sprintf("v%d.", i+1)
}

// VariantLetter names variant i for people: A, B, C.
func VariantLetter(i int) string { return string(rune('A' + i)) }

// groupOf tells which variant a parameter of the address belongs to (its
// index, and the key without its prefix), or -1 for the parameters of the
// whole page (compare, variante).
func groupOf(key string) (int, string) {
	switch key {
	case "compare", "variante":
		return -1, key
	}
	for i := 1; i < MaxVariants; i++ {
		if rest, ok := strings.CutPrefix(key, variantPrefix(i)); ok {
			return i, rest
		}
	}
	return 0, key
}

// splitVariants splits a query into the query of each variant present
// (the first is always present), the base of the comparison given to each,
// and the variant the form edits. A later variant is present when the
// address has any of its parameters; variants are numbered without gaps.
func splitVariants(rawQuery string) (queries []string, active int, ps Problems) {
	if len(rawQuery) > MaxQueryBytes {
		ps.add("", "l'adresse est trop longue (%d octets, au plus %d)", len(rawQuery), MaxQueryBytes)
		return nil, 0, ps
	}
	q, err := url.ParseQuery(rawQuery)
	if err != nil {
		ps.add("", "l'adresse est mal formée : %s", short(err.Error()))
		return nil, 0, ps
	}
	if n := len(q); n > MaxFields {
		ps.add("", "trop de paramètres dans l'adresse (%d, au plus %d)", n, MaxFields)
		return nil, 0, ps
	}
	groups := make([]url.Values, MaxVariants)
	for i := range groups {
		groups[i] = url.Values{}
	}
	shared := url.Values{}
	for key, vs := range q {
		g, rest := groupOf(key)
		if g < 0 {
			shared[key] = vs
			continue
		}
		groups[g][rest] = vs
	}
	n := 1
	for i := 1; i < MaxVariants; i++ {
		if len(groups[i]) > 0 {
			if n != i {
				ps.add(variantPrefix(i)+"scenario", "la variante %s est donnée sans la variante %s", VariantLetter(i), VariantLetter(n))
				return nil, 0, ps
			}
			n = i + 1
		}
	}
	active = 0
	if vs, ok := shared["variante"]; ok {
		k, err := strconv.Atoi(strings.TrimSpace(vs[0]))
		if err != nil || len(vs) > 1 || k < 1 || k > n {
			ps.add("variante", "la variante à modifier « %s » n'existe pas (1 à %d)", short(vs[0]), n)
			return nil, 0, ps
		}
		active = k - 1
	}
	for i := range n {
		g := groups[i]
		if i == 0 {
			if vs, ok := shared["compare"]; ok {
				g["compare"] = vs
			}
		}
		queries = append(queries, g.Encode())
	}
	return queries, active, nil
}

// ParseVariants decodes and validates the query of the whole page. Every
// mistake is reported, each on the field of its variant (v2.etc...), and
// the later variants are compared with the first's base.
func (s *Simulator) ParseVariants(rawQuery string) (Variants, error) {
	queries, active, ps := splitVariants(rawQuery)
	if len(ps) > 0 {
		return Variants{}, ps
	}
	var v Variants
	v.Active = active
	for i, q := range queries {
		if i > 0 {
			// The same base as the first variant's: its compare, or its
			// scenario unchanged.
			base := v.States[0].Compare
			if base == "" {
				base = v.States[0].Scenario
			}
			if base != "" {
				q += "&compare=" + url.QueryEscape(base)
			}
		}
		st, err := s.Parse(q)
		if err != nil {
			var sub Problems
			if !errors.As(err, &sub) {
				return Variants{}, err
			}
			for _, p := range sub {
				field := p.Field
				if field != "" && field != "compare" {
					field = variantPrefix(i) + field
				}
				msg := p.Message
				if len(queries) > 1 {
					msg = "variante " + VariantLetter(i) + " : " + msg
				}
				ps = append(ps, Problem{Field: field, Message: msg})
			}
			if i == 0 && len(ps) > 0 {
				// The others need the first's base.
				return Variants{}, ps
			}
			v.States = append(v.States, State{})
			continue
		}
		v.States = append(v.States, st)
	}
	if len(ps) > 0 {
		return Variants{}, ps
	}
	return v, nil
}

// Query encodes the whole page: each variant's parameters with its prefix
// (a later variant always with its scenario, so that it stays present),
// the base, and the variant the form edits when it is not the first.
func (v Variants) Query(s *Simulator) url.Values {
	q := url.Values{}
	for i, st := range v.States {
		sq := st.Query(s)
		if i > 0 {
			sq.Del("compare")
			sq.Set("scenario", st.Scenario)
		}
		for key, vs := range sq {
			q[variantPrefix(i)+key] = vs
		}
	}
	if v.Active > 0 {
		q.Set("variante", strconv.Itoa(v.Active+1))
	}
	return q
}

// without returns the page without variant i; the form edits the same
// variant as before, or the one before it.
func (v Variants) without(i int) Variants {
	out := Variants{Active: v.Active}
	for j, st := range v.States {
		if j != i {
			out.States = append(out.States, st)
		}
	}
	if out.Active >= len(out.States) || out.Active > i {
		out.Active = max(0, out.Active-1)
	}
	return out
}

// added returns the page with a new variant, a copy of the one the form
// edits, which the form then edits.
func (v Variants) added() Variants {
	out := Variants{States: append(append([]State(nil), v.States...), v.States[v.Active]), Active: len(v.States)}
	last := &out.States[len(out.States)-1]
	last.Compare = v.States[0].Compare
	if last.Compare == "" {
		last.Compare = v.States[0].Scenario
	}
	if last.Compare == last.Scenario {
		last.Compare = ""
	}
	return out
}
