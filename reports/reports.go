package reports

import (
	"fmt"
	"io"
	"strings"

	"github.com/quotepart/quotepart/engine"
)

// Format is an output format.
type Format string

const (
	Table    Format = "table"
	JSON     Format = "json"
	CSV      Format = "csv"
	Markdown Format = "md"
)

// Formats lists the formats of the run command.
var Formats = []Format{Table, JSON, CSV, Markdown}

// ParseFormat accepts one of Formats.
func ParseFormat(s string) (Format, error) {
	for _, f := range Formats {
		if string(f) == strings.ToLower(s) {
			return f, nil
		}
	}
	names := make([]string, len(Formats))
	for i, f := range Formats {
		names[i] = string(f)
	}
	return "", fmt.Errorf("unknown format %q: expected one of %s", s, strings.Join(names, ", "))
}

// Renderer writes results in one format.
type Renderer interface {
	Render(w io.Writer, results []*engine.Result) error
}

// For returns the renderer of a format in a language.
func For(f Format, lang Lang) (Renderer, error) {
	switch f {
	case Table:
		return tableRenderer{lang: lang}, nil
	case JSON:
		return jsonRenderer{}, nil
	case CSV:
		return csvRenderer{}, nil
	case Markdown:
		return markdownRenderer{lang: lang}, nil
	}
	return nil, fmt.Errorf("unknown format %q", f)
}
