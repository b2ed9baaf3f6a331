package reports

import (
	"fmt"
	"image/color"
	"math"
	"strings"
	"testing"

	"github.com/quotepart/quotepart/engine"
)

// linear turns an sRGB channel into linear light.
func linear(c uint8) float64 {
	v := float64(c) / 255
	if v <= 0.04045 {
		return v / 12.92
	}
	return math.Pow((v+0.055)/1.055, 2.4)
}

// contrast is the WCAG contrast ratio of two colours.
func contrast(a, b color.RGBA) float64 {
	lum := func(c color.RGBA) float64 { return 0.2126*linear(c.R) + 0.7152*linear(c.G) + 0.0722*linear(c.B) }
	la, lb := lum(a), lum(b)
	return (math.Max(la, lb) + 0.05) / (math.Min(la, lb) + 0.05)
}

// Machado, Oliveira and Fernandes (2009), severity 1, on linear RGB.
var deficiencies = map[string][3][3]float64{
	"normal":       {{1, 0, 0}, {0, 1, 0}, {0, 0, 1}},
	"protanopia":   {{0.152286, 1.052583, -0.204868}, {0.114503, 0.786281, 0.099216}, {-0.003882, -0.048116, 1.051998}},
	"deuteranopia": {{0.367322, 0.860646, -0.227968}, {0.280085, 0.672501, 0.047413}, {-0.011820, 0.042940, 0.968881}},
	"tritanopia":   {{1.255528, -0.076749, -0.178779}, {-0.078411, 0.930809, 0.147602}, {0.004733, 0.691367, 0.303900}},
}

// seenLab is a colour as a reader with a deficiency sees it, in CIELAB.
func seenLab(c color.RGBA, m [3][3]float64) [3]float64 {
	in := [3]float64{linear(c.R), linear(c.G), linear(c.B)}
	var rgb [3]float64
	for i := range 3 {
		rgb[i] = math.Max(0, math.Min(1, m[i][0]*in[0]+m[i][1]*in[1]+m[i][2]*in[2]))
	}
	x := (0.4124*rgb[0] + 0.3576*rgb[1] + 0.1805*rgb[2]) / 0.95047
	y := 0.2126*rgb[0] + 0.7152*rgb[1] + 0.0722*rgb[2]
	z := (0.0193*rgb[0] + 0.1192*rgb[1] + 0.9505*rgb[2]) / 1.08883
	f := func(t float64) float64 {
		if t > 0.008856 {
			return math.Cbrt(t)
		}
		return 7.787*t + 16.0/116
	}
	return [3]float64{116*f(y) - 16, 500 * (f(x) - f(y)), 200 * (f(y) - f(z))}
}

// TestPalette: every colour stands 3:1 against white, as bars must (WCAG
// 1.4.11), and any two colours stay apart (CIE76 ΔE at least 12) for
// readers with normal vision, protanopia, deuteranopia and tritanopia.
// The page's former red (Ville) and brown (a new member), #E1000F and
// #B34000, are 3.4 apart for a deuteranope: the test would refuse them.
func TestPalette(t *testing.T) {
	white := color.RGBA{0xff, 0xff, 0xff, 0xff}
	for i, c := range Palette {
		if r := contrast(c, white); r < 3 {
			t.Errorf("colour %d %s: contrast %.2f:1 against white, want at least 3:1", i, Hex(c), r)
		}
	}
	const minDelta = 12
	for name, m := range deficiencies {
		for i := range Palette {
			for j := i + 1; j < len(Palette); j++ {
				a, b := seenLab(Palette[i], m), seenLab(Palette[j], m)
				if d := math.Sqrt((a[0]-b[0])*(a[0]-b[0]) + (a[1]-b[1])*(a[1]-b[1]) + (a[2]-b[2])*(a[2]-b[2])); d < minDelta {
					t.Errorf("%s: colours %d %s and %d %s are %.1f apart, want at least %d", name, i, Hex(Palette[i]), j, Hex(Palette[j]), d, minDelta)
				}
			}
		}
	}
	// The check itself tells the old pair apart.
	red, brown := color.RGBA{0xE1, 0x00, 0x0F, 0xff}, color.RGBA{0xB3, 0x40, 0x00, 0xff}
	a, b := seenLab(red, deficiencies["deuteranopia"]), seenLab(brown, deficiencies["deuteranopia"])
	if d := math.Hypot(math.Hypot(a[0]-b[0], a[1]-b[1]), a[2]-b[2]); d >= minDelta {
		t.Errorf("the former red and brown are %.1f apart for a deuteranope: the check would not have caught them", d)
	}
}

// TestMemberColours: a member keeps its colour whatever scenario is shown
// with it; members a scenario adds come after the rules' own.
func TestMemberColours(t *testing.T) {
	m := &engine.Model{Members: []engine.Member{{ID: "metropole"}, {ID: "ville"}, {ID: "ccas"}}}
	res := &engine.Result{Years: []engine.Year{{Members: []engine.MemberYear{{ID: "ville"}, {ID: "darnetal"}, {ID: "metropole"}}}}}
	got := MemberColours(m, res)
	want := map[string]int{"metropole": 0, "ville": 1, "ccas": 2, "darnetal": 3}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("MemberColours = %v, want %v", got, want)
	}
	if css := PaletteCSS(); !containsAll(css, ".s0 { background-color: #0072B2; fill: #0072B2; }", ".s1 { background-color: #D55E00;") {
		t.Errorf("PaletteCSS:\n%s", css)
	}
}

func containsAll(s string, parts ...string) bool {
	for _, p := range parts {
		if !strings.Contains(s, p) {
			return false
		}
	}
	return true
}
