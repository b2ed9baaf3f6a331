package rules

import "crypto/sha256"

// Input is a file quotepart read: the path messages name it by, and the
// SHA-256 of its exact bytes. Every loader records one for each file it
// decodes, so that outputs can say which files produced them (the digest
// of the internal/app package).
type Input struct {
	Path   string
	SHA256 [sha256.Size]byte
}

// NewInput records a file read from path.
func NewInput(path string, data []byte) Input {
	return Input{Path: path, SHA256: sha256.Sum256(data)}
}

// Input is the file f was decoded from.
func (f *File) Input() Input { return f.input }

// Inputs are the files the rule set was decoded from, in the order of
// Files; the additions of a scenario laid on the rules are the scenario
// file's, and not among them.
func (s *Set) Inputs() []Input {
	out := make([]Input, 0, len(s.Files))
	for _, f := range s.Files {
		if f.File != nil && f.File.input.Path != "" {
			out = append(out, f.File.input)
		}
	}
	return out
}
